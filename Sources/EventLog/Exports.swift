// The log's shared vocabulary (events, conditions, queries, the envelope and its hash
// chain, NDJSON) lives in EventLogCore, which has no C in it, so that every engine of the
// log shares it; users of the LMDB engine see it through `import EventLog`.
@_exported import EventLogCore
