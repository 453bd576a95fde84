export { probeEngine, readRuntimeFile, runtimeFileSchema, type EngineStatus, type RuntimeFile } from './runtime.js';
