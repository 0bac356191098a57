/* pvd-db-sqlite.c: the store on SQLite, the default
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-db-sqlite"

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "pvd-db.h"
#include "pvd-store.h"

/* The schema.  PostgreSQL's (pvd-db-pg.c) has the same tables, columns and
 * constraints, and the same version numbers. */

static const char schema_v1[] =
  "CREATE TABLE tenants ("
  "  id INTEGER PRIMARY KEY,"
  "  slug TEXT NOT NULL UNIQUE,"
  "  name TEXT NOT NULL,"
  "  plan TEXT NOT NULL DEFAULT 'standard',"
  "  created_at INTEGER NOT NULL,"
  "  reminder_thresholds TEXT NOT NULL DEFAULT '60,30,14,7,3,1');"
  "CREATE TABLE admin_keys ("
  "  id TEXT PRIMARY KEY,"
  "  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
  "  digest TEXT NOT NULL UNIQUE,"
  "  prefix TEXT NOT NULL,"
  "  owner TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  last_used_at INTEGER,"
  "  revoked_at INTEGER,"
  "  revoked_by TEXT);"
  "CREATE TABLE sso ("
  "  tenant_id INTEGER PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,"
  "  protocol TEXT NOT NULL DEFAULT 'saml',"
  "  idp_entity_id TEXT,"
  "  enforced INTEGER NOT NULL DEFAULT 0,"
  "  cert_subject TEXT,"
  "  cert_fingerprint TEXT,"
  "  cert_not_before INTEGER,"
  "  cert_not_after INTEGER);"
  "CREATE TABLE connections ("
  "  tenant_id INTEGER NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('users', 'persons')),"
  "  enabled INTEGER NOT NULL DEFAULT 1,"
  "  identity_provider TEXT,"
  "  token_lifetime_days INTEGER NOT NULL DEFAULT 365,"
  "  last_request_at INTEGER,"
  "  last_request_token_id TEXT,"
  "  PRIMARY KEY (tenant_id, kind));"
  "CREATE TABLE tokens ("
  "  id TEXT PRIMARY KEY,"
  "  tenant_id INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  digest TEXT NOT NULL UNIQUE,"
  "  prefix TEXT NOT NULL,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  created_at INTEGER NOT NULL,"
  "  created_by TEXT NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  last_used_at INTEGER,"
  "  last_user_agent TEXT,"
  "  replaces TEXT,"
  "  replaced_by TEXT,"
  "  retire TEXT,"
  "  retires_at INTEGER,"
  "  revoked_at INTEGER,"
  "  revoked_by TEXT,"
  "  revoke_reason TEXT,"
  "  FOREIGN KEY (tenant_id, kind) REFERENCES connections(tenant_id, kind) ON DELETE CASCADE);"
  "CREATE INDEX tokens_by_connection ON tokens (tenant_id, kind);"
  "CREATE TABLE events ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  tenant_id INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  type TEXT NOT NULL,"
  "  token_id TEXT,"
  "  token_prefix TEXT,"
  "  operation TEXT NOT NULL,"
  "  status INTEGER,"
  "  user_agent TEXT,"
  "  detail TEXT);"
  "CREATE INDEX events_by_connection ON events (tenant_id, kind, id);";

/* Version 2: the users and groups that identity providers provision. */
static const char schema_v2[] =
  "CREATE TABLE scim_resources ("
  "  tenant_id INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  type TEXT NOT NULL CHECK (type IN ('User', 'Group')),"
  "  id TEXT NOT NULL,"
  "  external_id TEXT,"
  "  name TEXT NOT NULL,"
  "  name_key TEXT NOT NULL,"
  "  attributes TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  modified_at INTEGER NOT NULL,"
  "  version INTEGER NOT NULL,"
  "  PRIMARY KEY (tenant_id, kind, type, id),"
  "  FOREIGN KEY (tenant_id, kind) REFERENCES connections(tenant_id, kind) ON DELETE CASCADE);"
  "CREATE UNIQUE INDEX scim_user_names ON scim_resources (tenant_id, kind, name_key)"
  "  WHERE type = 'User';"
  "CREATE INDEX scim_names ON scim_resources (tenant_id, kind, type, name_key);"
  "CREATE INDEX scim_external_ids ON scim_resources (tenant_id, kind, type, external_id);";

/* Version 3: which resources each group has as members, kept with the
 * group (issue #17), so that a user's groups (RFC 7643 §4.1.2) are one
 * indexed look-up; filled from the groups stored before it. */
static const char schema_v3[] =
  "CREATE TABLE scim_group_members ("
  "  tenant_id INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  group_id TEXT NOT NULL,"
  "  member_id TEXT NOT NULL,"
  "  PRIMARY KEY (tenant_id, kind, group_id, member_id),"
  "  FOREIGN KEY (tenant_id, kind) REFERENCES connections(tenant_id, kind) ON DELETE CASCADE);"
  "CREATE INDEX scim_members_by_member ON scim_group_members (tenant_id, kind, member_id);"
  "INSERT OR IGNORE INTO scim_group_members (tenant_id, kind, group_id, member_id)"
  "  SELECT r.tenant_id, r.kind, r.id, json_extract (m.value, '$.value')"
  "  FROM scim_resources r, json_each (r.attributes, '$.members') m"
  "  WHERE r.type = 'Group' AND json_type (m.value, '$.value') = 'text';";

/* Version 4: an admin key rotated in place names its successor, and when
 * that successor was first used (see pvd_api_key_retires_at()). */
static const char schema_v4[] =
  "ALTER TABLE admin_keys ADD COLUMN replaces TEXT;"
  "ALTER TABLE admin_keys ADD COLUMN replaced_by TEXT;"
  "ALTER TABLE admin_keys ADD COLUMN successor_used_at INTEGER;";

/* Version 5: a count of the changes to what a credential stands for, that
 * every writer bumps, whichever process it is (the command line writes
 * the same file): the workers' caches of keys and tokens (pvd-auth.c) hold
 * while it stays the same (pvd_store_get_credentials_generation()).  A
 * token's or key's use (last_used_at, last_user_agent) and a connection's
 * last request change nothing a credential stands for, and count only
 * where something else changed with them.  A column added to these tables
 * later that authentication reads must be added to the triggers' WHEN. */
static const char schema_v5[] =
  "CREATE TABLE credentials_generation (generation INTEGER NOT NULL);"
  "INSERT INTO credentials_generation (generation) VALUES (0);"
#define BUMP " BEGIN UPDATE credentials_generation SET generation = generation + 1; END;"
  "CREATE TRIGGER tenants_inserted AFTER INSERT ON tenants" BUMP
  "CREATE TRIGGER tenants_updated AFTER UPDATE ON tenants" BUMP
  "CREATE TRIGGER tenants_deleted AFTER DELETE ON tenants" BUMP
  "CREATE TRIGGER admin_keys_inserted AFTER INSERT ON admin_keys" BUMP
  "CREATE TRIGGER admin_keys_updated AFTER UPDATE ON admin_keys"
  "  WHEN OLD.id IS NOT NEW.id OR OLD.tenant_id IS NOT NEW.tenant_id"
  "    OR OLD.digest IS NOT NEW.digest OR OLD.expires_at IS NOT NEW.expires_at"
  "    OR OLD.revoked_at IS NOT NEW.revoked_at OR OLD.revoked_by IS NOT NEW.revoked_by"
  "    OR OLD.replaces IS NOT NEW.replaces OR OLD.replaced_by IS NOT NEW.replaced_by"
  "    OR OLD.successor_used_at IS NOT NEW.successor_used_at" BUMP
  "CREATE TRIGGER admin_keys_deleted AFTER DELETE ON admin_keys" BUMP
  "CREATE TRIGGER connections_inserted AFTER INSERT ON connections" BUMP
  "CREATE TRIGGER connections_updated AFTER UPDATE ON connections"
  "  WHEN OLD.tenant_id IS NOT NEW.tenant_id OR OLD.kind IS NOT NEW.kind"
  "    OR OLD.enabled IS NOT NEW.enabled OR OLD.identity_provider IS NOT NEW.identity_provider"
  "    OR OLD.token_lifetime_days IS NOT NEW.token_lifetime_days" BUMP
  "CREATE TRIGGER connections_deleted AFTER DELETE ON connections" BUMP
  "CREATE TRIGGER tokens_inserted AFTER INSERT ON tokens" BUMP
  "CREATE TRIGGER tokens_updated AFTER UPDATE ON tokens"
  "  WHEN OLD.id IS NOT NEW.id OR OLD.tenant_id IS NOT NEW.tenant_id OR OLD.kind IS NOT NEW.kind"
  "    OR OLD.digest IS NOT NEW.digest OR OLD.expires_at IS NOT NEW.expires_at"
  "    OR OLD.replaces IS NOT NEW.replaces OR OLD.replaced_by IS NOT NEW.replaced_by"
  "    OR OLD.retire IS NOT NEW.retire OR OLD.retires_at IS NOT NEW.retires_at"
  "    OR OLD.revoked_at IS NOT NEW.revoked_at OR OLD.revoked_by IS NOT NEW.revoked_by"
  "    OR OLD.revoke_reason IS NOT NEW.revoke_reason" BUMP
  "CREATE TRIGGER tokens_deleted AFTER DELETE ON tokens" BUMP;
#undef BUMP

/* Which token a request with an Idempotency-Key issued (issue #21).  Kept
 * out of the numbered schema steps: created where missing, it needs no
 * migration of its own, and a database without it reads as before. */
static const char schema_extra[] =
  "CREATE TABLE IF NOT EXISTS token_requests ("
  "  tenant_id INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  idempotency_key TEXT NOT NULL,"
  "  token_id TEXT NOT NULL,"
  "  PRIMARY KEY (tenant_id, kind, idempotency_key),"
  "  FOREIGN KEY (tenant_id, kind) REFERENCES connections(tenant_id, kind) ON DELETE CASCADE);";

/* Version 6: the names of groups indexed alone.  A user's name had two
 * entries, in the unique index of users' names and in an index of every
 * resource's name, and each new user changed a page of both anywhere in
 * them; user names are looked up in the unique index (by a query that says
 * type = 'User', for SQLite to use a partial index). */
static const char schema_v6[] =
  "DROP INDEX scim_names;"
  "CREATE INDEX scim_group_names ON scim_resources (tenant_id, kind, name_key) WHERE type = 'Group';";

static const char *const schema_steps[] = { schema_v1, schema_v2, schema_v3, schema_v4, schema_v5, schema_v6, NULL };

/* Each connection's page cache, and how much of the file it reads through
 * a memory map rather than read(2) (pvd_db_sqlite_set_memory()); 0:
 * SQLite's defaults. */
static gint cache_mib;
static gint mmap_mib;

/**
 * pvd_db_sqlite_set_memory:
 * @cache_size_mib: each connection's page cache, MiB; 0 or -1 for SQLite's
 *   default (2 MiB)
 * @mmap_size_mib: how much of the file each connection reads through a memory
 *   map, MiB; 0 or -1 for none (read(2), SQLite's default)
 *
 * For the connections opened after it: provisiod.conf's
 * `sqlite-cache-size` and `sqlite-mmap-size` (docs/provisiod.md, where the
 * figures say why both are off unless set).  A map costs address space,
 * not memory: its pages are the kernel's page cache of the file, shared by
 * every connection, where read(2) copies each page into the connection's
 * own cache.
 */
void
pvd_db_sqlite_set_memory (gint cache_size_mib,
                          gint mmap_size_mib)
{
  cache_mib = MAX (cache_size_mib, 0);
  mmap_mib = MAX (mmap_size_mib, 0);
}

/* The statements that begin and end transactions, run around every
 * request: prepared once per connection rather than parsed each time. */
static const char *const transaction_sql[] = { "BEGIN DEFERRED", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK" };

typedef struct
{
  PvdDb         parent;
  sqlite3      *db;
  sqlite3_stmt *data_version;
  sqlite3_stmt *transaction[G_N_ELEMENTS (transaction_sql)];
} PvdDbSqlite;

typedef struct
{
  PvdStmt       parent;
  sqlite3_stmt *stmt;
} PvdStmtSqlite;

#define DB(d) (((PvdDbSqlite *) (d))->db)
#define STMT(s) (((PvdStmtSqlite *) (s))->stmt)

static void
sqlite_close (PvdDb *db)
{
  PvdDbSqlite *self = (PvdDbSqlite *) db;

  for (guint i = 0; i < G_N_ELEMENTS (self->transaction); i++)
    sqlite3_finalize (self->transaction[i]);
  sqlite3_finalize (self->data_version);
  sqlite3_close (DB (db));
  g_free (db);
}

static gboolean
sqlite_exec (PvdDb      *db,
             const char *sql)
{
  PvdDbSqlite *self = (PvdDbSqlite *) db;

  for (guint i = 0; i < G_N_ELEMENTS (transaction_sql); i++)
    {
      sqlite3_stmt **stmt = &self->transaction[i];
      int rc;

      if (strcmp (sql, transaction_sql[i]) != 0)
        continue;
      if (*stmt == NULL &&
          sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, NULL) != SQLITE_OK)
        return FALSE;
      rc = sqlite3_step (*stmt);
      sqlite3_reset (*stmt);
      return rc == SQLITE_DONE;
    }
  return sqlite3_exec (self->db, sql, NULL, NULL, NULL) == SQLITE_OK;
}

static PvdStmt *
sqlite_prepare (PvdDb      *db,
                const char *sql,
                gboolean    persistent)
{
  sqlite3_stmt *stmt = NULL;
  PvdStmtSqlite *self;

  if (sqlite3_prepare_v3 (DB (db), sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0,
                          &stmt, NULL) != SQLITE_OK)
    return NULL;
  self = g_new0 (PvdStmtSqlite, 1);
  self->parent.db = db;
  self->parent.sql = sql;
  self->stmt = stmt;
  return &self->parent;
}

static void
sqlite_finalize (PvdStmt *stmt)
{
  sqlite3_finalize (STMT (stmt));
  g_free (stmt);
}

static void
sqlite_reset (PvdStmt *stmt)
{
  sqlite3_reset (STMT (stmt));
  sqlite3_clear_bindings (STMT (stmt));
}

static void
sqlite_bind_null (PvdStmt *stmt,
                  int      index)
{
  sqlite3_bind_null (STMT (stmt), index);
}

static void
sqlite_bind_int64 (PvdStmt *stmt,
                   int      index,
                   gint64   value)
{
  sqlite3_bind_int64 (STMT (stmt), index, value);
}

static void
sqlite_bind_text (PvdStmt    *stmt,
                  int         index,
                  const char *text)
{
  sqlite3_bind_text (STMT (stmt), index, text, -1, SQLITE_TRANSIENT);
}

static PvdStep
sqlite_step (PvdStmt *stmt)
{
  switch (sqlite3_step (STMT (stmt)))
    {
    case SQLITE_ROW:
      return PVD_STEP_ROW;
    case SQLITE_DONE:
      return PVD_STEP_DONE;
    default:
      return PVD_STEP_ERROR;
    }
}

static gboolean
sqlite_column_is_null (PvdStmt *stmt,
                       int      column)
{
  return sqlite3_column_type (STMT (stmt), column) == SQLITE_NULL;
}

static gint64
sqlite_column_int64 (PvdStmt *stmt,
                     int      column)
{
  return sqlite3_column_int64 (STMT (stmt), column);
}

static const char *
sqlite_column_text (PvdStmt *stmt,
                    int      column)
{
  return (const char *) sqlite3_column_text (STMT (stmt), column);
}

static gint64
sqlite_changes (PvdDb *db)
{
  return sqlite3_changes64 (DB (db));
}

static gboolean
sqlite_in_transaction (PvdDb *db)
{
  return !sqlite3_get_autocommit (DB (db));
}

/* SQLite's messages name tables and constraints, never bound values. */
static const char *
sqlite_error_message (PvdDb *db)
{
  return sqlite3_errmsg (DB (db));
}

static PvdDbError
sqlite_error_kind (PvdDb *db)
{
  int code = sqlite3_extended_errcode (DB (db));

  if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
    return PVD_DB_UNIQUE;
  switch (code & 0xff)
    {
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return PVD_DB_UNAVAILABLE;
    default:
      return PVD_DB_FAILED;
    }
}

static gint64
sqlite_schema_version (PvdDb *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version = -1;

  if (sqlite3_prepare_v2 (DB (db), "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

static gboolean
sqlite_set_schema_version (PvdDb  *db,
                           gint64  version)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, version);

  return sqlite_exec (db, sql);
}

/* PRAGMA data_version changes when another connection commits, the count
 * of changes when this one writes. */
static void
sqlite_get_version (PvdDb  *db,
                    gint64 *out_data_version,
                    gint64 *out_changes)
{
  PvdDbSqlite *self = (PvdDbSqlite *) db;

  *out_data_version = -1;
  if (self->data_version == NULL &&
      sqlite3_prepare_v3 (self->db, "PRAGMA data_version", -1, SQLITE_PREPARE_PERSISTENT,
                          &self->data_version, NULL) != SQLITE_OK)
    self->data_version = NULL;
  if (self->data_version != NULL)
    {
      if (sqlite3_step (self->data_version) == SQLITE_ROW)
        *out_data_version = sqlite3_column_int64 (self->data_version, 0);
      sqlite3_reset (self->data_version);
    }
  *out_changes = sqlite3_total_changes64 (DB (db));
}

/* Every connection to the file sees the change in PRAGMA data_version. */
static gboolean
sqlite_notify_change (PvdDb *db)
{
  return TRUE;
}

/* Commits survive a crash of the process either way (SQLite's WAL is
 * written at each commit); a durable commit also survives a power loss,
 * for the price of an fsync. */
static void
sqlite_set_durable (PvdDb    *db,
                    gboolean  durable)
{
  if (!sqlite_exec (db, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"))
    g_warning ("Could not change the database's synchronous mode: %s", sqlite3_errmsg (DB (db)));
}

static const PvdDbClass sqlite_class = {
  .name = "SQLite",
  .schema_steps = schema_steps,
  .schema_extra = schema_extra,
  .begin_write_sql = "BEGIN IMMEDIATE",
  .begin_read_sql = "BEGIN DEFERRED",
  .close = sqlite_close,
  .exec = sqlite_exec,
  .prepare = sqlite_prepare,
  .finalize = sqlite_finalize,
  .reset = sqlite_reset,
  .bind_null = sqlite_bind_null,
  .bind_int64 = sqlite_bind_int64,
  .bind_text = sqlite_bind_text,
  .step = sqlite_step,
  .column_is_null = sqlite_column_is_null,
  .column_int64 = sqlite_column_int64,
  .column_text = sqlite_column_text,
  .changes = sqlite_changes,
  .in_transaction = sqlite_in_transaction,
  .error_message = sqlite_error_message,
  .error_kind = sqlite_error_kind,
  .schema_version = sqlite_schema_version,
  .set_schema_version = sqlite_set_schema_version,
  .get_version = sqlite_get_version,
  .notify_change = sqlite_notify_change,
  .set_durable = sqlite_set_durable,
};

/* SQLite's own busy timeout sleeps in steps of milliseconds; the workers'
 * write transactions take microseconds, so wait in small steps, for at most
 * five seconds in all. */
static int
busy_cb (void *user_data,
         int   n_calls)
{
  if (n_calls >= 50000)
    return 0;
  g_usleep (n_calls < 100 ? 10 : 100);
  return 1;
}

/**
 * pvd_db_sqlite_open:
 * @path: the database file, created if missing
 *
 * Returns: (transfer full): a connection to it, or %NULL with @error set
 */
PvdDb *
pvd_db_sqlite_open (const char  *path,
                    GError     **error)
{
  PvdDbSqlite *self = g_new0 (PvdDbSqlite, 1);

  self->parent.klass = &sqlite_class;
  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_DATABASE,
                   "Cannot open the database “%s”: %s", path,
                   self->db ? sqlite3_errmsg (self->db) : "out of memory");
      sqlite_close (&self->parent);
      return NULL;
    }

  sqlite3_busy_handler (self->db, busy_cb, NULL);
  sqlite3_extended_result_codes (self->db, 1);
  /* A statement whose plan could depend on a bound value (`type = ?3`
   * against the partial index of userNames) is otherwise compiled again
   * each time that value is bound: a sixth of a userName look-up's time.
   * Plans that ignore bound values keep the statements prepared once. */
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_ENABLE_QPSG, 1, NULL);

  /* provisiod.conf's sqlite-cache-size and sqlite-mmap-size, if set */
  if (cache_mib > 0)
    {
      /* negative: KiB rather than pages */
      g_autofree char *sql = g_strdup_printf ("PRAGMA cache_size = -%" G_GINT64_FORMAT,
                                              (gint64) cache_mib * 1024);

      sqlite_exec (&self->parent, sql);
    }
  if (mmap_mib > 0)
    {
      g_autofree char *sql = g_strdup_printf ("PRAGMA mmap_size = %" G_GINT64_FORMAT,
                                              (gint64) mmap_mib * 1024 * 1024);

      sqlite_exec (&self->parent, sql);
    }
  /* WAL with synchronous=NORMAL: a committed transaction survives a crash of
   * the process; a power loss may lose the last few, never corrupt.  What
   * must survive that too is committed durably: pvd_store_set_durable().
   * The WAL is copied into the database (checkpointed, with an fsync) once
   * it holds 10,000 pages (40 MiB) rather than SQLite's 1,000: a load
   * rewrites the same index pages over and over, and each checkpoint
   * stalls the group commit behind it (docs/benchmarks.md). */
  if (!sqlite_exec (&self->parent, "PRAGMA journal_mode = WAL") ||
      !sqlite_exec (&self->parent, "PRAGMA synchronous = NORMAL") ||
      !sqlite_exec (&self->parent, "PRAGMA wal_autocheckpoint = 10000") ||
      !sqlite_exec (&self->parent, "PRAGMA foreign_keys = ON"))
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_DATABASE,
                   "Cannot open the database “%s”: %s", path, sqlite3_errmsg (self->db));
      sqlite_close (&self->parent);
      return NULL;
    }
  return &self->parent;
}
