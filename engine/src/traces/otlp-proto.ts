/*
 * The subset of opentelemetry-proto (https://github.com/open-telemetry/opentelemetry-proto, v1.x) that
 * OTLP/HTTP trace export needs: collector/trace/v1/trace_service.proto, trace/v1/trace.proto,
 * common/v1/common.proto and resource/v1/resource.proto, as a protobufjs JSON descriptor (a TypeScript
 * module, so that the build needs no asset copying). Field names are the proto3 JSON names, so a decoded
 * message has the shape of the OTLP JSON encoding.
 *
 * Copyright The OpenTelemetry Authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in
 * compliance with the License. You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is
 * distributed on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or
 * implied. See the License for the specific language governing permissions and limitations under the
 * License.
 */
import protobuf from 'protobufjs';

const field = (type: string, id: number, rule?: 'repeated') => ({ type, id, ...(rule && { rule }) });

const descriptor = {
  nested: {
    // google/rpc/status.proto (Apache 2.0, Google LLC), without `details`: the error body OTLP/HTTP
    // requires for protobuf requests.
    google: { nested: { rpc: { nested: { Status: { fields: { code: field('int32', 1), message: field('string', 2) } } } } } },
    opentelemetry: {
      nested: {
        proto: {
          nested: {
            common: {
              nested: {
                v1: {
                  nested: {
                    AnyValue: {
                      oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
                      fields: {
                        stringValue: field('string', 1),
                        boolValue: field('bool', 2),
                        intValue: field('int64', 3),
                        doubleValue: field('double', 4),
                        arrayValue: field('ArrayValue', 5),
                        kvlistValue: field('KeyValueList', 6),
                        bytesValue: field('bytes', 7),
                      },
                    },
                    ArrayValue: { fields: { values: field('AnyValue', 1, 'repeated') } },
                    KeyValueList: { fields: { values: field('KeyValue', 1, 'repeated') } },
                    KeyValue: { fields: { key: field('string', 1), value: field('AnyValue', 2) } },
                    InstrumentationScope: {
                      fields: { name: field('string', 1), version: field('string', 2), attributes: field('KeyValue', 3, 'repeated'), droppedAttributesCount: field('uint32', 4) },
                    },
                  },
                },
              },
            },
            resource: {
              nested: {
                v1: {
                  nested: {
                    Resource: { fields: { attributes: field('opentelemetry.proto.common.v1.KeyValue', 1, 'repeated'), droppedAttributesCount: field('uint32', 2) } },
                  },
                },
              },
            },
            trace: {
              nested: {
                v1: {
                  nested: {
                    ResourceSpans: {
                      fields: { resource: field('opentelemetry.proto.resource.v1.Resource', 1), scopeSpans: field('ScopeSpans', 2, 'repeated'), schemaUrl: field('string', 3) },
                    },
                    ScopeSpans: {
                      fields: { scope: field('opentelemetry.proto.common.v1.InstrumentationScope', 1), spans: field('Span', 2, 'repeated'), schemaUrl: field('string', 3) },
                    },
                    Span: {
                      fields: {
                        traceId: field('bytes', 1),
                        spanId: field('bytes', 2),
                        traceState: field('string', 3),
                        parentSpanId: field('bytes', 4),
                        flags: field('fixed32', 16),
                        name: field('string', 5),
                        kind: field('int32', 6),
                        startTimeUnixNano: field('fixed64', 7),
                        endTimeUnixNano: field('fixed64', 8),
                        attributes: field('opentelemetry.proto.common.v1.KeyValue', 9, 'repeated'),
                        droppedAttributesCount: field('uint32', 10),
                        events: field('Event', 11, 'repeated'),
                        droppedEventsCount: field('uint32', 12),
                        links: field('Link', 13, 'repeated'),
                        droppedLinksCount: field('uint32', 14),
                        status: field('Status', 15),
                      },
                      nested: {
                        Event: {
                          fields: {
                            timeUnixNano: field('fixed64', 1),
                            name: field('string', 2),
                            attributes: field('opentelemetry.proto.common.v1.KeyValue', 3, 'repeated'),
                            droppedAttributesCount: field('uint32', 4),
                          },
                        },
                        Link: {
                          fields: {
                            traceId: field('bytes', 1),
                            spanId: field('bytes', 2),
                            traceState: field('string', 3),
                            attributes: field('opentelemetry.proto.common.v1.KeyValue', 4, 'repeated'),
                            droppedAttributesCount: field('uint32', 5),
                            flags: field('fixed32', 6),
                          },
                        },
                      },
                    },
                    Status: { fields: { message: field('string', 2), code: field('int32', 3) } },
                  },
                },
              },
            },
            collector: {
              nested: {
                trace: {
                  nested: {
                    v1: {
                      nested: {
                        ExportTraceServiceRequest: { fields: { resourceSpans: field('opentelemetry.proto.trace.v1.ResourceSpans', 1, 'repeated') } },
                        ExportTraceServiceResponse: { fields: { partialSuccess: field('ExportTracePartialSuccess', 1) } },
                        ExportTracePartialSuccess: { fields: { rejectedSpans: field('int64', 1), errorMessage: field('string', 2) } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
const requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const responseType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
const statusType = root.lookupType('google.rpc.Status');

const hexOf = (base64: string) => Buffer.from(base64, 'base64').toString('hex');

/**
 * An ExportTraceServiceRequest as the OTLP JSON encoding shapes it (ids in hex, 64-bit integers as
 * strings). Throws on bytes that are not such a message.
 */
export function decodeExportRequest(body: Uint8Array): unknown {
  const message = requestType.decode(body);
  const decoded = requestType.toObject(message, { longs: String, bytes: String, enums: Number }) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }> }> };
  // protobufjs renders bytes as base64; OTLP JSON writes trace and span ids in hex.
  for (const resourceSpans of decoded.resourceSpans ?? []) {
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        for (const key of ['traceId', 'spanId', 'parentSpanId']) if (typeof span[key] === 'string') span[key] = hexOf(span[key]);
        for (const link of (span.links as Array<Record<string, unknown>> | undefined) ?? []) {
          for (const key of ['traceId', 'spanId']) if (typeof link[key] === 'string') link[key] = hexOf(link[key]);
        }
      }
    }
  }
  return decoded;
}

/** An ExportTraceServiceResponse: empty on full success, else the partial success. */
export function encodeExportResponse(partialSuccess?: { rejectedSpans: number; errorMessage: string }): Uint8Array {
  return responseType.encode(responseType.fromObject(partialSuccess ? { partialSuccess } : {})).finish();
}

/** gRPC status codes (google.rpc.Code) for the HTTP statuses the engine answers. */
const GRPC_CODES: Record<number, number> = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 3, 415: 3, 429: 8, 503: 14 };

/** A `google.rpc.Status`: the body OTLP/HTTP requires for a failed protobuf request. */
export function encodeStatus(httpStatus: number, message: string): Uint8Array {
  const code = GRPC_CODES[httpStatus] ?? (httpStatus >= 500 ? 13 : 2); // INTERNAL, UNKNOWN
  return statusType.encode(statusType.fromObject({ code, message })).finish();
}

/** Reads a `google.rpc.Status` (for tests and clients). */
export function decodeStatus(body: Uint8Array): { code: number; message: string } {
  return statusType.toObject(statusType.decode(body), { defaults: true }) as { code: number; message: string };
}
