/* The same work as Tribelog's log, in C, on the same bodies: the ceiling a batched durable
 * append and a scan + decode are compared with in `tribelog bench`.
 *
 *   samework_ceiling append DIR BODIES DICT BATCH THREADS
 *     for each body (the canonical envelopes the bench's log stored): zstd level -1 with
 *     the log's dictionary and SHA-256 of the body on THREADS threads, then serially the
 *     chain step SHA-256(prev || digest || u64be(version)), a record laid out as the log
 *     lays it (format byte, dictionary id, 8 chain bytes, version, frame without its magic
 *     number), an MDB_APPEND put, and the head and chain puts; one durable commit per
 *     BATCH bodies. Prints append_eps=… stored_bytes=….
 *   samework_ceiling scan DIR DICT THREADS
 *     reads every record of DIR on THREADS threads (split by position), decompresses it
 *     with the dictionary and walks the envelope's fields as the log's decoder does
 *     (version, id, stream, type, tags, time, three compact strings, payload, extensions).
 *     Prints scan_eps=….
 * BODIES: u32 little-endian length, then the bytes, per body. DICT: the raw dictionary. */
#define ZSTD_STATIC_LINKING_ONLY
#include <lmdb.h>
#include <zstd.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
#define CK(x) do { int rc_ = (x); if (rc_) { fprintf(stderr, "%s: %s\n", #x, mdb_strerror(rc_)); exit(1); } } while (0)

static unsigned char *slurp(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb"); if (!f) { perror(path); exit(1); }
    fseek(f, 0, SEEK_END); *size = (size_t)ftell(f); fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc(*size ? *size : 1);
    if (fread(data, 1, *size, f) != *size) { perror(path); exit(1); }
    fclose(f); return data;
}

static size_t put_varint(unsigned char *out, uint64_t v) { size_t n = 0; while (v >= 0x80) { out[n++] = (unsigned char)(v | 0x80); v >>= 7; } out[n++] = (unsigned char)v; return n; }
static int get_varint(const unsigned char **p, const unsigned char *end, uint64_t *v) {
    uint64_t r = 0; int shift = 0;
    while (*p < end && shift < 64) { unsigned char b = *(*p)++; r |= (uint64_t)(b & 0x7f) << shift; if (!(b & 0x80)) { *v = r; return 1; } shift += 7; }
    return 0;
}

typedef struct { const unsigned char *body; size_t len; unsigned char frame[4096]; size_t framelen; unsigned char digest[32]; } Item;
typedef struct { Item *items; long from, to; const ZSTD_CDict *cdict; } Job;

static void *compress_job(void *arg) {
    Job *job = arg; ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_format, ZSTD_f_zstd1_magicless);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 0);
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1);
    for (long i = job->from; i < job->to; i++) {
        Item *it = &job->items[i];
        ZSTD_CCtx_refCDict(cctx, job->cdict);
        it->framelen = ZSTD_compress2(cctx, it->frame, sizeof it->frame, it->body, it->len);
        if (ZSTD_isError(it->framelen)) { fprintf(stderr, "zstd: %s\n", ZSTD_getErrorName(it->framelen)); exit(1); }
        SHA256(it->body, it->len, it->digest);
    }
    ZSTD_freeCCtx(cctx); return NULL;
}

static int append(const char *dir, const char *bodies_path, const char *dict_path, long batch, int threads) {
    size_t bsize, dsize; unsigned char *bodies = slurp(bodies_path, &bsize), *dict = slurp(dict_path, &dsize);
    long n = 0, cap = 1024; Item *items = malloc(cap * sizeof *items);
    for (size_t o = 0; o + 4 <= bsize; ) {
        uint32_t len; memcpy(&len, bodies + o, 4); o += 4;
        if (n == cap) { cap *= 2; items = realloc(items, cap * sizeof *items); }
        items[n].body = bodies + o; items[n].len = len; n++; o += len;
    }
    ZSTD_CDict *cdict = ZSTD_createCDict(dict, dsize, -1);
    MDB_env *env; MDB_txn *txn; MDB_dbi events, meta;
    CK(mdb_env_create(&env)); CK(mdb_env_set_maxdbs(env, 4)); CK(mdb_env_set_mapsize(env, (size_t)16 << 30));
    CK(mdb_env_open(env, dir, MDB_NOTLS, 0644));
    CK(mdb_txn_begin(env, NULL, 0, &txn)); CK(mdb_dbi_open(txn, "events", MDB_CREATE, &events)); CK(mdb_dbi_open(txn, "meta", MDB_CREATE, &meta)); CK(mdb_txn_commit(txn));
    unsigned char chain[32] = {0}; size_t stored = 0; long done = 0;
    double start = now();
    while (done < n) {
        long count = n - done < batch ? n - done : batch;
        pthread_t ts[16]; Job jobs[16];
        for (int t = 0; t < threads; t++) { jobs[t] = (Job){items + done, count * t / threads, count * (t + 1) / threads, cdict}; pthread_create(&ts[t], NULL, compress_job, &jobs[t]); }
        for (int t = 0; t < threads; t++) pthread_join(ts[t], NULL);
        CK(mdb_txn_begin(env, NULL, 0, &txn));
        for (long k = 0; k < count; k++) {
            Item *it = &items[done + k]; uint64_t position = (uint64_t)(done + k + 1), version = (uint64_t)k + 1;
            unsigned char in[72]; memcpy(in, chain, 32); memcpy(in + 32, it->digest, 32);
            for (int q = 0; q < 8; q++) in[64 + q] = (unsigned char)(version >> (56 - 8 * q));
            SHA256(in, 72, chain);
            unsigned char record[4200]; size_t rl = 0;
            record[rl++] = 1; rl += put_varint(record + rl, 2); memcpy(record + rl, chain, 8); rl += 8; rl += put_varint(record + rl, version);
            memcpy(record + rl, it->frame, it->framelen); rl += it->framelen; stored += rl;
            unsigned char key[8]; for (int q = 0; q < 8; q++) key[q] = (unsigned char)(position >> (56 - 8 * q));
            MDB_val K = {8, key}, V = {rl, record}; CK(mdb_put(txn, events, &K, &V, MDB_APPEND));
        }
        unsigned char head[8]; uint64_t h = (uint64_t)(done + count); for (int q = 0; q < 8; q++) head[q] = (unsigned char)(h >> (56 - 8 * q));
        MDB_val HK = {4, "head"}, HV = {8, head}, CKey = {5, "chain"}, CV = {32, chain};
        CK(mdb_put(txn, meta, &HK, &HV, 0)); CK(mdb_put(txn, meta, &CKey, &CV, 0));
        CK(mdb_txn_commit(txn));
        done += count;
    }
    double elapsed = now() - start;
    mdb_env_close(env);
    printf("append_eps=%.0f stored_bytes=%.1f events=%ld threads=%d\n", n / elapsed, (double)stored / n, n, threads);
    return 0;
}

typedef struct { MDB_env *env; MDB_dbi dbi; uint64_t from, to; const ZSTD_DDict *ddict; long decoded; } ScanJob;

/* Walks a compact string; returns 0 on damage. */
static int skip_compact(const unsigned char **p, const unsigned char *end) {
    uint64_t h; if (!get_varint(p, end, &h)) return 0;
    if ((h & 1) == 0) { if ((uint64_t)(end - *p) < (h >> 1)) return 0; *p += h >> 1; }
    else if (h == 1 || h == 3) { if (end - *p < 16) return 0; *p += 16; }
    return 1;
}
static int skip_string(const unsigned char **p, const unsigned char *end) {
    uint64_t len; if (!get_varint(p, end, &len) || (uint64_t)(end - *p) < len) return 0; *p += len; return 1;
}

static void *scan_job(void *arg) {
    ScanJob *job = arg; MDB_txn *txn; MDB_cursor *cursor;
    ZSTD_DCtx *dctx = ZSTD_createDCtx(); ZSTD_DCtx_setParameter(dctx, ZSTD_d_format, ZSTD_f_zstd1_magicless);
    unsigned char body[65536];
    CK(mdb_txn_begin(job->env, NULL, MDB_RDONLY, &txn)); CK(mdb_cursor_open(txn, job->dbi, &cursor));
    unsigned char key[8]; for (int q = 0; q < 8; q++) key[q] = (unsigned char)(job->from >> (56 - 8 * q));
    MDB_val K = {8, key}, V; int rc = mdb_cursor_get(cursor, &K, &V, MDB_SET_RANGE);
    for (uint64_t position = job->from; rc == 0 && position <= job->to; position++, rc = mdb_cursor_get(cursor, &K, &V, MDB_NEXT)) {
        const unsigned char *p = V.mv_data, *end = p + V.mv_size; uint64_t dict_id, version;
        p++; get_varint(&p, end, &dict_id); p += 8; get_varint(&p, end, &version);
        ZSTD_DCtx_refDDict(dctx, job->ddict);
        size_t len = ZSTD_decompressDCtx(dctx, body, sizeof body, p, (size_t)(end - p));
        if (ZSTD_isError(len)) { fprintf(stderr, "zstd at %llu: %s\n", (unsigned long long)position, ZSTD_getErrorName(len)); exit(1); }
        const unsigned char *b = body, *bend = body + len; uint64_t tags, extensions;
        int ok = len > 17 && b[0] == 1; b += 17;
        ok = ok && skip_string(&b, bend) && skip_string(&b, bend) && get_varint(&b, bend, &tags);
        for (uint64_t t = 0; ok && t < tags; t++) ok = skip_string(&b, bend);
        ok = ok && bend - b >= 8; b += 8;
        ok = ok && skip_compact(&b, bend) && skip_compact(&b, bend) && skip_compact(&b, bend) && skip_string(&b, bend) && get_varint(&b, bend, &extensions);
        if (!ok) { fprintf(stderr, "bad envelope at %llu\n", (unsigned long long)position); exit(1); }
        job->decoded++;
    }
    mdb_cursor_close(cursor); mdb_txn_abort(txn); ZSTD_freeDCtx(dctx); return NULL;
}

static int scan(const char *dir, const char *dict_path, int threads) {
    size_t dsize; unsigned char *dict = slurp(dict_path, &dsize);
    ZSTD_DDict *ddict = ZSTD_createDDict(dict, dsize);
    MDB_env *env; MDB_txn *txn; MDB_dbi events; MDB_stat stat;
    CK(mdb_env_create(&env)); CK(mdb_env_set_maxdbs(env, 4)); CK(mdb_env_set_mapsize(env, (size_t)16 << 30));
    CK(mdb_env_open(env, dir, MDB_NOTLS | MDB_RDONLY, 0644));
    CK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn)); CK(mdb_dbi_open(txn, "events", 0, &events)); CK(mdb_stat(txn, events, &stat)); CK(mdb_txn_commit(txn));  /* an aborted transaction would close the handle */
    uint64_t n = stat.ms_entries; pthread_t ts[16]; ScanJob jobs[16]; long decoded = 0;
    double start = now();
    for (int t = 0; t < threads; t++) { jobs[t] = (ScanJob){env, events, n * t / threads + 1, n * (t + 1) / threads, ddict, 0}; pthread_create(&ts[t], NULL, scan_job, &jobs[t]); }
    for (int t = 0; t < threads; t++) { pthread_join(ts[t], NULL); decoded += jobs[t].decoded; }
    double elapsed = now() - start;
    mdb_env_close(env);
    if ((uint64_t)decoded != n) { fprintf(stderr, "decoded %ld of %llu records\n", decoded, (unsigned long long)n); return 1; }
    printf("scan_eps=%.0f events=%ld threads=%d\n", decoded / elapsed, decoded, threads);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 7 && strcmp(argv[1], "append") == 0) return append(argv[2], argv[3], argv[4], atol(argv[5]), atoi(argv[6]));
    if (argc == 5 && strcmp(argv[1], "scan") == 0) return scan(argv[2], argv[3], atoi(argv[4]));
    fprintf(stderr, "usage: %s append DIR BODIES DICT BATCH THREADS | scan DIR DICT THREADS\n", argv[0]);
    return 2;
}
