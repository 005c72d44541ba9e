/* The raw LMDB ceiling `tribelog bench` measures the Swift log against: the same
 * measurement as shared/bench/lmdb_ceiling.c, shipped with tribelog so every bench
 * run compiles and runs it on the machine and disk it is measuring.
 *
 * usage: lmdb_ceiling DIR N_EVENTS BATCH VALUE_BYTES [sync|nosync]
 *
 * Appends N events (8-byte big-endian key, VALUE_BYTES value) with MDB_APPEND, BATCH
 * events per write transaction (each commit fsyncs unless "nosync"), then reads them
 * all back with one cursor. DIR must be an existing, empty directory.
 * Prints: append_eps=<events/s> read_eps=<events/s> checksum=<n>
 * The checksum sums one byte of every value read, so the read loop cannot be elided. */
#include <lmdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

#define CHECK(call)                                                          \
  do {                                                                       \
    int rc_ = (call);                                                        \
    if (rc_) {                                                               \
      fprintf(stderr, "lmdb_ceiling: %s: %s\n", #call, mdb_strerror(rc_));   \
      exit(1);                                                               \
    }                                                                        \
  } while (0)

static long positive(const char *text, const char *what) {
  char *end;
  long value = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || value <= 0) {
    fprintf(stderr, "lmdb_ceiling: %s must be a positive integer, got '%s'\n", what, text);
    exit(2);
  }
  return value;
}

int main(int argc, char **argv) {
  if (argc < 5 || argc > 6) {
    fprintf(stderr, "usage: %s DIR N_EVENTS BATCH VALUE_BYTES [sync|nosync]\n", argv[0]);
    return 2;
  }
  const char *dir = argv[1];
  long n = positive(argv[2], "N_EVENTS");
  long batch = positive(argv[3], "BATCH");
  long value_bytes = positive(argv[4], "VALUE_BYTES");
  int sync = !(argc == 6 && strcmp(argv[5], "nosync") == 0);

  MDB_env *env;
  MDB_dbi dbi;
  MDB_txn *txn;
  MDB_cursor *cursor;
  CHECK(mdb_env_create(&env));
  /* Large enough never to fill: the map is virtual, the file grows only as written. */
  CHECK(mdb_env_set_mapsize(env, (size_t)64 << 30));
  CHECK(mdb_env_open(env, dir, sync ? 0 : MDB_NOSYNC, 0644));

  /* The content does not matter to LMDB (it does not compress); the size does. */
  char *value = malloc((size_t)value_bytes);
  if (!value) { fprintf(stderr, "lmdb_ceiling: out of memory\n"); return 1; }
  for (long i = 0; i < value_bytes; i++) value[i] = (char)('a' + i % 26);

  double t0 = now();
  long written = 0;
  while (written < n) {
    CHECK(mdb_txn_begin(env, NULL, 0, &txn));
    CHECK(mdb_dbi_open(txn, NULL, 0, &dbi));
    for (long j = 0; j < batch && written < n; j++, written++) {
      uint64_t position = (uint64_t)written + 1;
      unsigned char key_bytes[8];
      for (int b = 0; b < 8; b++) key_bytes[b] = (unsigned char)(position >> (56 - 8 * b));
      MDB_val key = {8, key_bytes}, data = {(size_t)value_bytes, value};
      CHECK(mdb_put(txn, dbi, &key, &data, MDB_APPEND));
    }
    CHECK(mdb_txn_commit(txn));
  }
  double t1 = now();

  CHECK(mdb_txn_begin(env, NULL, MDB_RDONLY, &txn));
  CHECK(mdb_cursor_open(txn, dbi, &cursor));
  MDB_val key, data;
  long count = 0;
  size_t checksum = 0;
  while (mdb_cursor_get(cursor, &key, &data, MDB_NEXT) == 0) {
    count++;
    checksum += ((unsigned char *)data.mv_data)[data.mv_size - 1];
  }
  double t2 = now();
  mdb_cursor_close(cursor);
  mdb_txn_abort(txn);
  mdb_env_close(env);
  free(value);

  if (count != n) {
    fprintf(stderr, "lmdb_ceiling: read %ld of %ld events back\n", count, n);
    return 1;
  }
  printf("append_eps=%.0f read_eps=%.0f checksum=%zu\n", n / (t1 - t0), n / (t2 - t1), checksum);
  return 0;
}
