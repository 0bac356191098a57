/* pvd-db.h: the SQL databases provisiod's store runs on
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The store (pvd-store*.c, pvd-scim-store.c) writes its rules once, in SQL
 * that SQLite and PostgreSQL both read: `?N` parameters, ON CONFLICT … DO
 * NOTHING rather than INSERT OR IGNORE, RETURNING rather than the last row
 * id.  What differs between the two lives behind this interface, one
 * implementation per database: connecting, the schema and its version,
 * how a write transaction excludes the others, how a connection learns that
 * another one wrote, and how errors read. */

typedef struct _PvdDb      PvdDb;
typedef struct _PvdDbClass PvdDbClass;
typedef struct _PvdStmt    PvdStmt;

typedef enum {
  PVD_STEP_ERROR,
  PVD_STEP_ROW,
  PVD_STEP_DONE,
} PvdStep;

typedef enum {
  PVD_LOCK_HELD,        /* the lock is this transaction's */
  PVD_LOCK_BUSY,        /* another transaction holds it (without waiting) */
  PVD_LOCK_ERROR,       /* the database failed, or the wait timed out */
} PvdLock;

typedef enum {
  PVD_DB_FAILED,        /* any other error */
  PVD_DB_UNIQUE,        /* a UNIQUE or PRIMARY KEY constraint */
  PVD_DB_UNAVAILABLE,   /* the database cannot be reached */
} PvdDbError;

struct _PvdDb
{
  const PvdDbClass *klass;
};

struct _PvdStmt
{
  PvdDb      *db;
  const char *sql;
};

struct _PvdDbClass
{
  const char  *name;

  /* The schema, one step per version from 1: steps[i] brings it from
   * version i to i + 1, each run in one transaction. */
  const char *const *schema_steps;
  /* Created where missing after the numbered steps (see pvd-store.c). */
  const char  *schema_extra;
  /* Starts a transaction that no other writer, on any connection, runs
   * at the same time as; and one that only reads. */
  const char  *begin_write_sql;
  const char  *begin_read_sql;
  /* Starts a write transaction that excludes begin_write_sql's but not
   * other writers of its kind: it writes only the rows of connections it
   * locks (lock_connection()). */
  const char  *begin_shared_sql;
  /* Run after rows were copied in with their ids (pvd_store_copy()), so
   * that the ids given next follow them; NULL: nothing to do. */
  const char  *after_copy_sql;

  void        (*close)           (PvdDb       *db);
  gboolean    (*exec)            (PvdDb       *db,
                                  const char  *sql);
  PvdStmt    *(*prepare)         (PvdDb       *db,
                                  const char  *sql,
                                  gboolean     persistent);
  void        (*finalize)        (PvdStmt     *stmt);
  void        (*reset)           (PvdStmt     *stmt);
  void        (*bind_null)       (PvdStmt     *stmt,
                                  int          index);
  void        (*bind_int64)      (PvdStmt     *stmt,
                                  int          index,
                                  gint64       value);
  void        (*bind_text)       (PvdStmt     *stmt,
                                  int          index,
                                  const char  *text);
  PvdStep     (*step)            (PvdStmt     *stmt);
  /* Runs a write whose outcome may be learnt later: if it fails, so does
   * the transaction's commit.  NULL: step() at once. */
  gboolean    (*step_later)      (PvdStmt     *stmt);
  /* Runs a write like step_later(), and keeps its outcome once it ran, by
   * the transaction's commit at the latest: the first column of the first
   * row it returns, or else the count of rows it changed, read with
   * later_changes() and *@out_ticket until the next transaction begins.
   * NULL: not done (SQLite, whose step() costs no round trip). */
  gboolean    (*step_counted_later) (PvdStmt  *stmt,
                                     guint    *out_ticket);
  /* The rows that the write of @ticket changed; -1 if it has not run. */
  gint64      (*later_changes)   (PvdDb       *db,
                                  guint        ticket);
  /* How many times this connection waited for the database's answer;
   * NULL where a statement is a call in the process (SQLite). */
  gint64      (*round_trips)     (PvdDb       *db);
  gboolean    (*column_is_null)  (PvdStmt     *stmt,
                                  int          column);
  gint64      (*column_int64)    (PvdStmt     *stmt,
                                  int          column);
  const char *(*column_text)     (PvdStmt     *stmt,
                                  int          column);
  gint64      (*changes)         (PvdDb       *db);
  gboolean    (*in_transaction)  (PvdDb       *db);
  const char *(*error_message)   (PvdDb       *db);
  PvdDbError  (*error_kind)      (PvdDb       *db);
  gint64      (*schema_version)  (PvdDb       *db);
  gboolean    (*set_schema_version) (PvdDb    *db,
                                     gint64    version);
  void        (*get_version)     (PvdDb       *db,
                                  gint64      *out_data_version,
                                  gint64      *out_changes);
  gboolean    (*notify_change)   (PvdDb       *db);
  /* Locks a connection (a tenant's users or persons) until the end of the
   * transaction begun by begin_shared_sql: its tokens, events and SCIM
   * resources.  Without @wait, a lock another transaction holds is
   * PVD_LOCK_BUSY at once.  NULL where begin_shared_sql already excludes
   * every other writer (SQLite). */
  PvdLock     (*lock_connection) (PvdDb       *db,
                                  gint64       tenant_id,
                                  const char  *kind,
                                  gboolean     wait);
  void        (*set_durable)     (PvdDb       *db,
                                  gboolean     durable);
  /* Counts a failed authentication from @address in the window that
   * started at *window_start, or in a new one from @now, for every node
   * on the database; NULL where one server is alone on it (SQLite). */
  gboolean    (*count_auth_failure) (PvdDb      *db,
                                     const char *address,
                                     gint64      now,
                                     gint64      window,
                                     gint64     *out_window_start,
                                     gint64     *out_count);
  /* The count of count_auth_failure(), without counting; NULL likewise. */
  gboolean    (*get_auth_failures)  (PvdDb      *db,
                                     const char *address,
                                     gint64      now,
                                     gint64      window,
                                     gint64     *out_window_start,
                                     gint64     *out_count);
};

PvdDb      *pvd_db_open            (const char  *location,
                                    GError     **error);
PvdDb      *pvd_db_sqlite_open     (const char  *path,
                                    GError     **error);
PvdDb      *pvd_db_pg_open         (const char  *conninfo,
                                    GError     **error);
void        pvd_db_close           (PvdDb       *db);
void        pvd_db_sqlite_set_memory (gint        cache_size_mib,
                                      gint        mmap_size_mib);

static inline gboolean
pvd_db_exec (PvdDb      *db,
             const char *sql)
{
  return db->klass->exec (db, sql);
}

static inline PvdStmt *
pvd_db_prepare (PvdDb      *db,
                const char *sql,
                gboolean    persistent)
{
  return db->klass->prepare (db, sql, persistent);
}

static inline gint64
pvd_db_changes (PvdDb *db)
{
  return db->klass->changes (db);
}

static inline gboolean
pvd_db_in_transaction (PvdDb *db)
{
  return db->klass->in_transaction (db);
}

static inline const char *
pvd_db_error_message (PvdDb *db)
{
  return db->klass->error_message (db);
}

static inline PvdDbError
pvd_db_error_kind (PvdDb *db)
{
  return db->klass->error_kind (db);
}

static inline void
pvd_stmt_free (PvdStmt *stmt)
{
  stmt->db->klass->finalize (stmt);
}

static inline PvdStep
pvd_stmt_step (PvdStmt *stmt)
{
  return stmt->db->klass->step (stmt);
}

static inline void
pvd_bind_int64 (PvdStmt *stmt,
                int      index,
                gint64   value)
{
  stmt->db->klass->bind_int64 (stmt, index, value);
}

static inline void
pvd_bind_null (PvdStmt *stmt,
               int      index)
{
  stmt->db->klass->bind_null (stmt, index);
}

static inline gint64
pvd_column_int64 (PvdStmt *stmt,
                  int      column)
{
  return stmt->db->klass->column_int64 (stmt, column);
}

static inline gboolean
pvd_column_is_null (PvdStmt *stmt,
                    int      column)
{
  return stmt->db->klass->column_is_null (stmt, column);
}

/* NULL for NULL; valid until the next step or reset */
static inline const char *
pvd_column_peek_text (PvdStmt *stmt,
                      int      column)
{
  return stmt->db->klass->column_text (stmt, column);
}

G_END_DECLS
