// The engine's own weights and scoring, bundled (like the template compiler): the bar moves as the
// user types by exactly what the saved score will be.
import { completenessOf, completenessWeights, metadataFields } from '../../../engine/src/data/prompts';
import type { PromptMetadata } from './api';

export { metadataFields };
export type MetadataField = (typeof metadataFields)[number];
type ScoredField = Exclude<keyof typeof completenessWeights, 'linkedTools'>;

/** Each metadata field in plain words, with what to write in it; in the order the form shows them (scored first). */
export const metadataFieldInfo: Record<MetadataField, { label: string; hint: string }> = {
  purpose: { label: 'Purpose', hint: 'What this prompt is for, in a sentence or two.' },
  expectedBehavior: { label: 'Expected behavior', hint: 'How the model should act and answer: tone, steps, what a good reply does.' },
  inputFormat: { label: 'Input format', hint: 'What the variables and the user’s messages contain.' },
  outputFormat: { label: 'Output format', hint: 'The shape of a good answer: length, structure, JSON fields…' },
  constraints: { label: 'Constraints', hint: 'What the model must never do or say.' },
  useCases: { label: 'Use cases', hint: 'Where your applications use this prompt, and for whom.' },
  toolsNotes: { label: 'Notes on tools', hint: 'How the model should use the tools it may call.' },
  additionalNotes: { label: 'Additional notes', hint: 'Anything else a teammate should know.' },
  referencePrompt: { label: 'Reference prompt', hint: 'A prompt this one was based on or is compared with.' },
};

export const metadataFieldsInFormOrder = Object.keys(metadataFieldInfo) as MetadataField[];

export const weightOf = (field: MetadataField): number | undefined => (field in completenessWeights ? completenessWeights[field as ScoredField] : undefined);

/** Points that come from linking tools to the prompt, which the dashboard cannot do yet. */
export const linkedToolsWeight = completenessWeights.linkedTools;

export interface Completeness {
  score: number;
  /** Scored fields still empty, heaviest first. */
  missing: MetadataField[];
}

/**
 * The score for edited metadata. `linkedToolsPoints` is the part of the saved score that does not come
 * from the fields (linked tools), carried over as it is.
 */
export function completenessFor(metadata: PromptMetadata, linkedToolsPoints: number): Completeness {
  const missing = metadataFields.filter((field) => weightOf(field) !== undefined && !metadata[field]?.trim());
  missing.sort((a, b) => (weightOf(b) ?? 0) - (weightOf(a) ?? 0));
  return { score: completenessOf(metadata) + linkedToolsPoints, missing };
}

/** The saved score's points that come from linked tools rather than from the fields. */
export const linkedToolsPointsOf = (prompt: PromptMetadata & { completeness: number }): number => Math.max(0, prompt.completeness - completenessOf(prompt));
