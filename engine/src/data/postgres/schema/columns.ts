import { sql } from 'drizzle-orm';
import { jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core';

// Column factories shared by the domain files. They are functions, not shared builder objects,
// so every table gets its own column instance.

export type JsonObject = Record<string, unknown>;

export const id = () => uuid('id').primaryKey().defaultRandom();

export const timestamptz = (name: string) => timestamp(name, { withTimezone: true });

export const createdAt = () => timestamptz('created_at').defaultNow().notNull();

// $onUpdate only fires for updates made through Drizzle; raw SQL updates must set it themselves.
export const updatedAt = () =>
  timestamptz('updated_at')
    .defaultNow()
    .notNull()
    .$onUpdate(() => new Date());

export const textArray = (name: string) =>
  text(name)
    .array()
    .notNull()
    .default(sql`'{}'::text[]`);

export const jsonObject = (name: string) => jsonb(name).$type<JsonObject>().notNull().default({});

export const jsonStringList = (name: string) => jsonb(name).$type<string[]>().notNull().default([]);
