/* pvd-store.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisiod"

#include "config.h"

#include <sqlite3.h>

#include "pv-guide.h"
#include "pv-time.h"
#include "pv-token.h"
#include "pvd-store-private.h"


G_DEFINE_FINAL_TYPE (PvdStore, pvd_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (pvd-error-quark, pvd_error)

#define SCHEMA_VERSION 4

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


gboolean
pvd_store_set_db_error (PvdStore  *self,
              GError   **error)
{
  /* SQLite's messages name tables and constraints, never bound values, so
   * they cannot carry a secret. */
  g_set_error (error, PVD_ERROR, PVD_ERROR_DATABASE,
               "Database error: %s", sqlite3_errmsg (self->db));
  return FALSE;
}

PvdStmt *
pvd_store_prepare (PvdStore    *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt == NULL)
    {
      if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                              &stmt, NULL) != SQLITE_OK)
        {
          pvd_store_set_db_error (self, error);
          return NULL;
        }
      g_hash_table_insert (self->statements, (gpointer) sql, stmt);
    }
  return stmt;
}

void
pvd_bind_text (PvdStmt    *stmt,
           int         index,
           const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

/* Times: 0 is stored as NULL. */
void
pvd_bind_time (PvdStmt *stmt,
           int      index,
           gint64   value)
{
  if (value == 0)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, value);
}

char *
pvd_column_text (PvdStmt *stmt,
             int      column)
{
  const unsigned char *text = sqlite3_column_text (stmt, column);

  return text ? g_strdup ((const char *) text) : NULL;
}

/* Runs a statement that returns no rows. */
gboolean
pvd_store_run (PvdStore  *self,
     PvdStmt   *stmt,
     GError   **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return pvd_store_set_db_error (self, error);
  return TRUE;
}

static gboolean
exec (PvdStore    *self,
      const char  *sql,
      GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return pvd_store_set_db_error (self, error);
  return TRUE;
}

static gboolean
run_static (PvdStore    *self,
            const char  *sql,
            GError     **error)
{
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  return stmt != NULL && pvd_store_run (self, stmt, error);
}

gboolean
pvd_store_begin (PvdStore  *self,
       GError   **error)
{
  static const char sql[] = "BEGIN IMMEDIATE";

  return run_static (self, sql, error);
}

gboolean
pvd_store_commit (PvdStore  *self,
        GError   **error)
{
  static const char sql[] = "COMMIT";

  return run_static (self, sql, error);
}

void
pvd_store_rollback (PvdStore *self)
{
  static const char sql[] = "ROLLBACK";

  if (!sqlite3_get_autocommit (self->db))
    run_static (self, sql, NULL);
}

static void
pvd_store_finalize (GObject *object)
{
  PvdStore *self = (PvdStore *) object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL)
    sqlite3_close (self->db);

  G_OBJECT_CLASS (pvd_store_parent_class)->finalize (object);
}

static void
pvd_store_class_init (PvdStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pvd_store_finalize;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
pvd_store_init (PvdStore *self)
{
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                            finalize_statement);
}

/* Which token a request with an Idempotency-Key issued (issue #21).  Kept
 * out of the numbered schema steps: created where missing, it needs no
 * migration of its own, and a database without it reads as before. */
static const char token_requests_schema[] =
  "CREATE TABLE IF NOT EXISTS token_requests ("
  "  tenant_id INTEGER NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  idempotency_key TEXT NOT NULL,"
  "  token_id TEXT NOT NULL,"
  "  PRIMARY KEY (tenant_id, kind, idempotency_key),"
  "  FOREIGN KEY (tenant_id, kind) REFERENCES connections(tenant_id, kind) ON DELETE CASCADE);";

static gboolean
migrate (PvdStore  *self,
         GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  int version = 0;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) != SQLITE_OK)
    return pvd_store_set_db_error (self, error);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if (version == SCHEMA_VERSION)
    return TRUE;
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_DATABASE,
                   "The database was written by a newer provisiod (schema %d, this one knows %d)",
                   version, SCHEMA_VERSION);
      return FALSE;
    }

  /* Each step brings the schema one version up, in one transaction. */
  if (!pvd_store_begin (self, error))
    return FALSE;
  if ((version < 1 && !exec (self, schema_v1, error)) ||
      (version < 2 && !exec (self, schema_v2, error)) ||
      (version < 3 && !exec (self, schema_v3, error)) ||
      (version < 4 && !exec (self, schema_v4, error)) ||
      !exec (self, "PRAGMA user_version = " G_STRINGIFY (SCHEMA_VERSION), error) ||
      !pvd_store_commit (self, error))
    {
      pvd_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

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
 * pvd_store_open:
 * @path: the database file, created if missing
 * @error: return location for a #PVD_ERROR
 *
 * Returns: (transfer full): the store, with its schema up to date
 */
PvdStore *
pvd_store_open (const char  *path,
                GError     **error)
{
  g_autoptr(PvdStore) self = g_object_new (PVD_TYPE_STORE, NULL);

  if (sqlite3_open_v2 (path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                       NULL) != SQLITE_OK)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_DATABASE,
                   "Cannot open the database “%s”: %s", path,
                   self->db ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }

  sqlite3_busy_handler (self->db, busy_cb, NULL);
  sqlite3_extended_result_codes (self->db, 1);

  /* WAL with synchronous=NORMAL: a committed transaction survives a crash of
   * the process; a power loss may lose the last few, never corrupt.  What
   * must survive that too is committed durably: pvd_store_set_durable(). */
  if (!exec (self, "PRAGMA journal_mode = WAL", error) ||
      !exec (self, "PRAGMA synchronous = NORMAL", error) ||
      !exec (self, "PRAGMA foreign_keys = ON", error) ||
      !migrate (self, error) ||
      !exec (self, token_requests_schema, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* Structs */

void
pvd_tenant_free (PvdTenant *tenant)
{
  if (tenant == NULL)
    return;
  g_free (tenant->slug);
  g_free (tenant->name);
  g_free (tenant->plan);
  g_free (tenant->reminder_thresholds);
  g_free (tenant);
}

void
pvd_api_key_free (PvdApiKey *key)
{
  if (key == NULL)
    return;
  g_free (key->id);
  g_free (key->prefix);
  g_free (key->owner);
  g_free (key->replaces);
  g_free (key->replaced_by);
  g_free (key);
}

void
pvd_sso_free (PvdSso *sso)
{
  if (sso == NULL)
    return;
  g_free (sso->protocol);
  g_free (sso->idp_entity_id);
  g_free (sso->cert_subject);
  g_free (sso->cert_fingerprint);
  g_free (sso);
}

void
pvd_connection_free (PvdConnection *connection)
{
  if (connection == NULL)
    return;
  g_free (connection->kind);
  g_free (connection->identity_provider);
  g_free (connection->last_request_token_id);
  g_free (connection);
}

void
pvd_token_free (PvdToken *token)
{
  if (token == NULL)
    return;
  g_free (token->id);
  g_free (token->kind);
  g_free (token->prefix);
  g_free (token->description);
  g_free (token->created_by);
  g_free (token->last_user_agent);
  g_free (token->replaces);
  g_free (token->replaced_by);
  g_free (token->retire);
  g_free (token->revoked_by);
  g_free (token->revoke_reason);
  g_free (token);
}

void
pvd_event_free (PvdEvent *event)
{
  if (event == NULL)
    return;
  g_free (event->type);
  g_free (event->token_id);
  g_free (event->token_prefix);
  g_free (event->operation);
  g_free (event->user_agent);
  g_free (event->detail);
  g_free (event);
}

/**
 * pvd_token_is_deleted:
 * @token: a token
 * @now: the server's time
 *
 * A token is deleted once revoked, or once its retirement time has come
 * (update_retirement()).  Computed rather than stored so that no
 * background job is needed and a moved test clock gives consistent answers.
 */
gboolean
pvd_token_is_deleted (const PvdToken *token,
                      gint64          now)
{
  return token->revoked_at != 0 || (token->retires_at != 0 && token->retires_at <= now);
}

gboolean
pvd_token_is_active (const PvdToken *token,
                     gint64          now)
{
  return !pvd_token_is_deleted (token, now) && token->expires_at > now;
}

/**
 * pvd_retire_window:
 * @identity_provider: (nullable): the connection's identity provider
 * @retire_grace: the server's `--retire-grace`, or -1 when not given
 *
 * How long a replaced token must go unused, after the identity provider
 * changed a user or group with its replacement, before it retires: two of the
 * identity provider's cycles (pv_guide_provider_cycle(), 80 minutes for
 * Entra), one in which it would have used the old token and one for a
 * late or slow cycle.  `--retire-grace` sets it for every connection
 * (tests use 0).  See update_retirement() for the whole rule.
 *
 * Returns: seconds
 */
gint64
pvd_retire_window (const char *identity_provider,
                   gint64      retire_grace)
{
  if (retire_grace >= 0)
    return retire_grace;
  return 2 * pv_guide_provider_cycle (identity_provider);
}

/**
 * pvd_key_retire_window:
 * @retire_grace: the server's `--retire-grace`, or -1 when not given
 *
 * Returns: how long a rotated admin key must go quiet, once its successor
 *   was used, before it retires: %PVD_KEY_RETIRE_GRACE unless set
 */
gint64
pvd_key_retire_window (gint64 retire_grace)
{
  return retire_grace >= 0 ? retire_grace : PVD_KEY_RETIRE_GRACE;
}

const char *
pvd_retire_to_string (PvdRetire retire)
{
  switch (retire)
    {
    case PVD_RETIRE_ON_FIRST_USE:
      return "on-first-use";
    case PVD_RETIRE_NOW:
      return "now";
    case PVD_RETIRE_NEVER:
      return "never";
    default:
      g_return_val_if_reached (NULL);
    }
}

gboolean
pvd_retire_from_string (const char *text,
                        PvdRetire  *out_retire)
{
  for (PvdRetire r = PVD_RETIRE_ON_FIRST_USE; r <= PVD_RETIRE_NEVER; r++)
    {
      if (g_strcmp0 (text, pvd_retire_to_string (r)) == 0)
        {
          *out_retire = r;
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
pvd_kind_is_valid (const char *kind)
{
  return g_strcmp0 (kind, "users") == 0 || g_strcmp0 (kind, "persons") == 0;
}

/**
 * pvd_sso_fingerprint:
 * @der: (array length=length): a certificate, DER
 *
 * Returns: (transfer full): its SHA-256 fingerprint as identity providers
 *   show it, colon-separated uppercase hex
 */
char *
pvd_sso_fingerprint (const guint8 *der,
                     gsize         length)
{
  g_autofree char *hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der, length);
  GString *s = g_string_sized_new (95);

  for (gsize i = 0; hex[i] != '\0'; i += 2)
    g_string_append_printf (s, "%s%c%c", i ? ":" : "",
                            g_ascii_toupper (hex[i]), g_ascii_toupper (hex[i + 1]));
  return g_string_free (s, FALSE);
}

/* Tenants */

#define TENANT_COLUMNS "id, slug, name, plan, created_at, reminder_thresholds"

static PvdTenant *
tenant_from_row (PvdStmt *stmt)
{
  PvdTenant *tenant = g_new0 (PvdTenant, 1);

  tenant->id = sqlite3_column_int64 (stmt, 0);
  tenant->slug = pvd_column_text (stmt, 1);
  tenant->name = pvd_column_text (stmt, 2);
  tenant->plan = pvd_column_text (stmt, 3);
  tenant->created_at = sqlite3_column_int64 (stmt, 4);
  tenant->reminder_thresholds = pvd_column_text (stmt, 5);
  return tenant;
}

static gboolean
slug_is_valid (const char *slug)
{
  gsize len = strlen (slug);

  if (len < 2 || len > 40 || slug[0] == '-' || slug[len - 1] == '-')
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!(g_ascii_islower (slug[i]) || g_ascii_isdigit (slug[i]) || slug[i] == '-'))
      return FALSE;
  return TRUE;
}

PvdTenant *
pvd_store_create_tenant (PvdStore    *self,
                         const char  *slug,
                         const char  *name,
                         gint64       now,
                         GError     **error)
{
  static const char insert_tenant[] =
    "INSERT INTO tenants (slug, name, created_at) VALUES (?1, ?2, ?3)";
  static const char insert_sso[] = "INSERT INTO sso (tenant_id) VALUES (?1)";
  static const char insert_connection[] =
    "INSERT INTO connections (tenant_id, kind) VALUES (?1, ?2)";
  g_autoptr(PvdStmt) stmt = NULL;
  gint64 tenant_id;

  g_return_val_if_fail (PVD_IS_STORE (self), NULL);

  if (!slug_is_valid (slug))
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_INVALID,
                   "“%s” is not a valid tenant id: use 2 to 40 lowercase letters, digits and dashes",
                   slug);
      return NULL;
    }
  if (name == NULL || *name == '\0' || strlen (name) > 200 || !g_utf8_validate (name, -1, NULL))
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_INVALID,
                   "A tenant needs a name of 1 to 200 characters");
      return NULL;
    }

  if (!pvd_store_begin (self, error))
    return NULL;

  if (!(stmt = pvd_store_prepare (self, insert_tenant, error)))
    goto fail;
  pvd_bind_text (stmt, 1, slug);
  pvd_bind_text (stmt, 2, name);
  sqlite3_bind_int64 (stmt, 3, now);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (self->db) == SQLITE_CONSTRAINT_UNIQUE)
        g_set_error (error, PVD_ERROR, PVD_ERROR_EXISTS,
                     "A tenant “%s” already exists", slug);
      else
        pvd_store_set_db_error (self, error);
      goto fail;
    }
  tenant_id = sqlite3_last_insert_rowid (self->db);
  g_clear_pointer (&stmt, pvd_stmt_done);

  if (!(stmt = pvd_store_prepare (self, insert_sso, error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, tenant_id);
  if (!pvd_store_run (self, stmt, error))
    goto fail;
  g_clear_pointer (&stmt, pvd_stmt_done);

  for (guint i = 0; i < 2; i++)
    {
      if (!(stmt = pvd_store_prepare (self, insert_connection, error)))
        goto fail;
      sqlite3_bind_int64 (stmt, 1, tenant_id);
      pvd_bind_text (stmt, 2, i == 0 ? "users" : "persons");
      if (!pvd_store_run (self, stmt, error))
        goto fail;
      g_clear_pointer (&stmt, pvd_stmt_done);
    }

  if (!pvd_store_commit (self, error))
    goto fail;

  return pvd_store_get_tenant_by_id (self, tenant_id, error);

fail:
  g_clear_pointer (&stmt, pvd_stmt_done);
  pvd_store_rollback (self);
  return NULL;
}

GPtrArray *
pvd_store_list_tenants (PvdStore  *self,
                        GError   **error)
{
  static const char sql[] = "SELECT " TENANT_COLUMNS " FROM tenants ORDER BY slug";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  g_autoptr(GPtrArray) tenants = g_ptr_array_new_with_free_func ((GDestroyNotify) pvd_tenant_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (tenants, tenant_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      pvd_store_set_db_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&tenants);
}

static PvdTenant *
get_tenant (PvdStore    *self,
            const char  *sql,
            const char  *slug,
            gint64       tenant_id,
            GError     **error)
{
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  if (slug != NULL)
    pvd_bind_text (stmt, 1, slug);
  else
    sqlite3_bind_int64 (stmt, 1, tenant_id);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return tenant_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, PVD_ERROR, PVD_ERROR_NOT_FOUND, "No tenant “%s”",
                 slug ? slug : "(id)");
  else
    pvd_store_set_db_error (self, error);
  return NULL;
}

PvdTenant *
pvd_store_get_tenant (PvdStore    *self,
                      const char  *slug,
                      GError     **error)
{
  static const char sql[] = "SELECT " TENANT_COLUMNS " FROM tenants WHERE slug = ?1";

  return get_tenant (self, sql, slug, 0, error);
}

PvdTenant *
pvd_store_get_tenant_by_id (PvdStore  *self,
                            gint64     tenant_id,
                            GError   **error)
{
  static const char sql[] = "SELECT " TENANT_COLUMNS " FROM tenants WHERE id = ?1";

  return get_tenant (self, sql, NULL, tenant_id, error);
}

gboolean
pvd_store_set_reminders (PvdStore    *self,
                         gint64       tenant_id,
                         const char  *thresholds,
                         GError     **error)
{
  static const char sql[] = "UPDATE tenants SET reminder_thresholds = ?2 WHERE id = ?1";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, thresholds);
  return pvd_store_run (self, stmt, error);
}

/* Admin API keys */

#define KEY_COLUMNS "id, tenant_id, prefix, owner, created_at, expires_at, last_used_at, revoked_at," \
  " replaces, replaced_by, successor_used_at"

static PvdApiKey *
api_key_from_row (PvdStmt *stmt)
{
  PvdApiKey *key = g_new0 (PvdApiKey, 1);

  key->id = pvd_column_text (stmt, 0);
  key->tenant_id = sqlite3_column_int64 (stmt, 1);
  key->prefix = pvd_column_text (stmt, 2);
  key->owner = pvd_column_text (stmt, 3);
  key->created_at = sqlite3_column_int64 (stmt, 4);
  key->expires_at = sqlite3_column_int64 (stmt, 5);
  key->last_used_at = sqlite3_column_int64 (stmt, 6);
  key->revoked_at = sqlite3_column_int64 (stmt, 7);
  key->replaces = pvd_column_text (stmt, 8);
  key->replaced_by = pvd_column_text (stmt, 9);
  key->successor_used_at = sqlite3_column_int64 (stmt, 10);
  return key;
}

static char *
insert_api_key (PvdStore    *self,
                gint64       tenant_id,
                const char  *owner,
                gint64       lifetime_days,
                const char  *replaces,
                gint64       now,
                PvdApiKey  **out_key,
                GError     **error)
{
  static const char sql[] =
    "INSERT INTO admin_keys (id, tenant_id, digest, prefix, owner, created_at, expires_at, replaces)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
  static const char select_sql[] = "SELECT " KEY_COLUMNS " FROM admin_keys WHERE id = ?1";
  g_autofree char *secret = pv_token_generate (PV_TOKEN_ADMIN);
  g_autofree char *digest = pv_token_digest (secret);
  g_autofree char *prefix = pv_token_display_prefix (secret);
  g_autofree char *id = pv_random_id ("key_");
  g_autoptr(PvdStmt) stmt = NULL;

  if (lifetime_days < PVD_TOKEN_MIN_LIFETIME_DAYS || lifetime_days > PVD_TOKEN_MAX_LIFETIME_DAYS)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_INVALID,
                   "A key lifetime must be between %d and %d days",
                   PVD_TOKEN_MIN_LIFETIME_DAYS, PVD_TOKEN_MAX_LIFETIME_DAYS);
      return NULL;
    }
  if (owner == NULL || *owner == '\0' || strlen (owner) > 200 || !g_utf8_validate (owner, -1, NULL))
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_INVALID,
                   "A key needs an owner of 1 to 200 characters");
      return NULL;
    }

  if (!(stmt = pvd_store_prepare (self, sql, error)))
    return NULL;
  pvd_bind_text (stmt, 1, id);
  sqlite3_bind_int64 (stmt, 2, tenant_id);
  pvd_bind_text (stmt, 3, digest);
  pvd_bind_text (stmt, 4, prefix);
  pvd_bind_text (stmt, 5, owner);
  sqlite3_bind_int64 (stmt, 6, now);
  sqlite3_bind_int64 (stmt, 7, now + lifetime_days * 86400);
  pvd_bind_text (stmt, 8, replaces);
  if (!pvd_store_run (self, stmt, error))
    return NULL;
  g_clear_pointer (&stmt, pvd_stmt_done);

  if (out_key != NULL)
    {
      if (!(stmt = pvd_store_prepare (self, select_sql, error)))
        return NULL;
      pvd_bind_text (stmt, 1, id);
      if (sqlite3_step (stmt) != SQLITE_ROW)
        {
          pvd_store_set_db_error (self, error);
          return NULL;
        }
      *out_key = api_key_from_row (stmt);
    }

  return g_steal_pointer (&secret);
}

char *
pvd_store_issue_api_key (PvdStore    *self,
                         gint64       tenant_id,
                         const char  *owner,
                         gint64       lifetime_days,
                         gint64       now,
                         PvdApiKey  **out_key,
                         GError     **error)
{
  return insert_api_key (self, tenant_id, owner, lifetime_days, NULL, now, out_key, error);
}

/**
 * pvd_api_key_retires_at:
 * @key: a key
 * @grace: the server's `--retire-grace`, or -1 for %PVD_KEY_RETIRE_GRACE
 *
 * The one rule for retiring a rotated admin key, as for a replaced token:
 * nothing happens until its successor has been used; from then on the old
 * key keeps working for as long as it is still used, and retires once it
 * has been quiet for @grace seconds, counted from the successor's first use
 * or its own last use, whichever is later.  A client that stored the new
 * key but could not switch to it keeps working with the old one.
 *
 * Returns: when @key retires, or 0 if it is not retiring
 */
gint64
pvd_api_key_retires_at (const PvdApiKey *key,
                        gint64           grace)
{
  if (key->replaced_by == NULL || key->successor_used_at == 0)
    return 0;
  return MAX (key->successor_used_at, key->last_used_at) + pvd_key_retire_window (grace);
}

/**
 * pvd_store_rotate_api_key:
 * @key: the key the request came with, which the new one replaces
 * @out_key: (out) (optional): the new key
 *
 * Issues a key for the same owner and tenant, with the default lifetime,
 * that replaces @key: @key retires as pvd_api_key_retires_at() says.  A
 * successor from an earlier rotation that was never used is revoked: its
 * secret never reached anyone who kept it.
 *
 * Returns: (transfer full): the new key's secret, or %NULL
 */
char *
pvd_store_rotate_api_key (PvdStore         *self,
                          const PvdApiKey  *key,
                          gint64            now,
                          PvdApiKey       **out_key,
                          GError          **error)
{
  static const char drop_unused[] =
    "UPDATE admin_keys SET revoked_at = ?2, revoked_by = 'provisiod'"
    " WHERE id = ?1 AND last_used_at IS NULL AND revoked_at IS NULL";
  static const char link[] =
    "UPDATE admin_keys SET replaced_by = ?2, successor_used_at = NULL WHERE id = ?1";
  g_autoptr(PvdApiKey) new_key = NULL;
  g_autoptr(PvdStmt) stmt = NULL;
  g_autofree char *secret = NULL;

  if (!pvd_store_begin (self, error))
    return NULL;
  if (key->replaced_by != NULL)
    {
      if (!(stmt = pvd_store_prepare (self, drop_unused, error)))
        goto fail;
      pvd_bind_text (stmt, 1, key->replaced_by);
      sqlite3_bind_int64 (stmt, 2, now);
      if (!pvd_store_run (self, stmt, error))
        goto fail;
      g_clear_pointer (&stmt, pvd_stmt_done);
    }
  if (!(secret = insert_api_key (self, key->tenant_id, key->owner, PVD_ADMIN_KEY_LIFETIME_DAYS,
                                 key->id, now, &new_key, error)) ||
      !(stmt = pvd_store_prepare (self, link, error)))
    goto fail;
  pvd_bind_text (stmt, 1, key->id);
  pvd_bind_text (stmt, 2, new_key->id);
  if (!pvd_store_run (self, stmt, error))
    goto fail;
  g_clear_pointer (&stmt, pvd_stmt_done);
  if (!pvd_store_commit (self, error))
    goto fail;

  if (out_key != NULL)
    *out_key = g_steal_pointer (&new_key);
  return g_steal_pointer (&secret);

fail:
  g_clear_pointer (&stmt, pvd_stmt_done);
  pvd_store_rollback (self);
  if (secret != NULL)
    pv_secret_free (g_steal_pointer (&secret));
  return NULL;
}

GPtrArray *
pvd_store_list_api_keys (PvdStore  *self,
                         gint64     tenant_id,
                         GError   **error)
{
  static const char sql[] =
    "SELECT " KEY_COLUMNS " FROM admin_keys WHERE tenant_id = ?1 ORDER BY created_at, id";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func ((GDestroyNotify) pvd_api_key_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, tenant_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (keys, api_key_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      pvd_store_set_db_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&keys);
}

gboolean
pvd_store_revoke_api_key (PvdStore    *self,
                          gint64       tenant_id,
                          const char  *key_id,
                          const char  *who,
                          gint64       now,
                          GError     **error)
{
  static const char sql[] =
    "UPDATE admin_keys SET revoked_at = ?3, revoked_by = ?4"
    " WHERE id = ?1 AND tenant_id = ?2 AND revoked_at IS NULL";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  pvd_bind_text (stmt, 1, key_id);
  sqlite3_bind_int64 (stmt, 2, tenant_id);
  sqlite3_bind_int64 (stmt, 3, now);
  pvd_bind_text (stmt, 4, who);
  if (!pvd_store_run (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_NOT_FOUND,
                   "The tenant has no active key “%s”", key_id);
      return FALSE;
    }
  return TRUE;
}

/**
 * pvd_store_authenticate_admin:
 * @self: the store
 * @secret: what the client sent as a bearer token
 * @now: the server's time
 * @retire_grace: for pvd_api_key_retires_at()
 * @error: a %PVD_ERROR_UNAUTHORIZED (or %PVD_ERROR_KEY_EXPIRED) saying
 *   why, without the secret
 *
 * A key's first use starts the retirement of the key it replaces.
 *
 * Returns: (transfer full): the key, whose tenant the request may act on
 */
PvdApiKey *
pvd_store_authenticate_admin (PvdStore    *self,
                              const char  *secret,
                              gint64       now,
                              gint64       retire_grace,
                              GError     **error)
{
  static const char sql[] = "SELECT " KEY_COLUMNS " FROM admin_keys WHERE digest = ?1";
  static const char touch[] = "UPDATE admin_keys SET last_used_at = ?2 WHERE id = ?1";
  static const char successor_used[] =
    "UPDATE admin_keys SET successor_used_at = ?2"
    " WHERE id = ?3 AND replaced_by = ?1 AND successor_used_at IS NULL";
  g_autoptr(PvdStmt) stmt = NULL;
  g_autoptr(PvdApiKey) key = NULL;
  g_autofree char *digest = NULL;
  PvTokenKind kind;
  gint64 retires_at;
  int rc;

  if (!pv_token_is_well_formed (secret, &kind))
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_UNAUTHORIZED,
                   "The bearer token is not a Provisio admin API key");
      return NULL;
    }
  if (kind != PV_TOKEN_ADMIN)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_UNAUTHORIZED,
                   "A SCIM token cannot be used for the management API; use an admin API key");
      return NULL;
    }

  digest = pv_token_digest (secret);
  if (!(stmt = pvd_store_prepare (self, sql, error)))
    return NULL;
  pvd_bind_text (stmt, 1, digest);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    key = api_key_from_row (stmt);
  else if (rc != SQLITE_DONE)
    {
      pvd_store_set_db_error (self, error);
      return NULL;
    }
  g_clear_pointer (&stmt, pvd_stmt_done);

  if (key == NULL)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_UNAUTHORIZED, "Unknown admin API key");
      return NULL;
    }
  if (key->revoked_at != 0)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_UNAUTHORIZED,
                   "The admin API key %s… has been revoked", key->prefix);
      return NULL;
    }
  if (key->expires_at <= now)
    {
      g_autofree char *when = pv_time_format (key->expires_at);

      g_set_error (error, PVD_ERROR, PVD_ERROR_KEY_EXPIRED,
                   "The admin API key %s… of %s expired on %s; only the tenant's owner can issue "
                   "a new one (provisiod key issue)", key->prefix, key->owner, when);
      return NULL;
    }
  retires_at = pvd_api_key_retires_at (key, retire_grace);
  if (retires_at != 0 && retires_at <= now)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_UNAUTHORIZED,
                   "The admin API key %s… was replaced by a newer key and has retired; "
                   "use the new key", key->prefix);
      return NULL;
    }

  /* A minute's precision is plenty and spares a write on every request,
   * except for a key being replaced, whose quiet time counts.  Best effort:
   * inside a read transaction that another connection has overtaken the
   * write fails, and the next request records the use. */
  if (now - key->last_used_at < 60 && key->replaced_by == NULL)
    return g_steal_pointer (&key);
  if ((stmt = pvd_store_prepare (self, touch, NULL)) != NULL)
    {
      pvd_bind_text (stmt, 1, key->id);
      sqlite3_bind_int64 (stmt, 2, now);
      if (sqlite3_step (stmt) == SQLITE_DONE)
        key->last_used_at = now;
      else
        g_debug ("Could not record the use of an admin key: %s", sqlite3_errmsg (self->db));
      g_clear_pointer (&stmt, pvd_stmt_done);
    }
  if (key->replaces != NULL && key->last_used_at == now &&
      (stmt = pvd_store_prepare (self, successor_used, NULL)) != NULL)
    {
      pvd_bind_text (stmt, 1, key->id);
      sqlite3_bind_int64 (stmt, 2, now);
      pvd_bind_text (stmt, 3, key->replaces);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_debug ("Could not record the first use of a new admin key: %s", sqlite3_errmsg (self->db));
      else if (sqlite3_changes (self->db) > 0)
        g_message ("Admin key %s… of %s used for the first time; the key it replaces retires "
                   "once quiet", key->prefix, key->owner);
    }

  return g_steal_pointer (&key);
}

/* SSO */

PvdSso *
pvd_store_get_sso (PvdStore  *self,
                   gint64     tenant_id,
                   GError   **error)
{
  static const char sql[] =
    "SELECT tenant_id, protocol, idp_entity_id, enforced, cert_subject, cert_fingerprint,"
    " cert_not_before, cert_not_after FROM sso WHERE tenant_id = ?1";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  PvdSso *sso;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, tenant_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      pvd_store_set_db_error (self, error);
      return NULL;
    }

  sso = g_new0 (PvdSso, 1);
  sso->tenant_id = sqlite3_column_int64 (stmt, 0);
  sso->protocol = pvd_column_text (stmt, 1);
  sso->idp_entity_id = pvd_column_text (stmt, 2);
  sso->enforced = sqlite3_column_int (stmt, 3) != 0;
  sso->cert_subject = pvd_column_text (stmt, 4);
  sso->cert_fingerprint = pvd_column_text (stmt, 5);
  sso->cert_not_before = sqlite3_column_int64 (stmt, 6);
  sso->cert_not_after = sqlite3_column_int64 (stmt, 7);
  return sso;
}

gboolean
pvd_store_update_sso (PvdStore      *self,
                      const PvdSso  *sso,
                      GError       **error)
{
  static const char sql[] =
    "UPDATE sso SET protocol = ?2, idp_entity_id = ?3, enforced = ?4, cert_subject = ?5,"
    " cert_fingerprint = ?6, cert_not_before = ?7, cert_not_after = ?8 WHERE tenant_id = ?1";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, sso->tenant_id);
  pvd_bind_text (stmt, 2, sso->protocol);
  pvd_bind_text (stmt, 3, sso->idp_entity_id);
  sqlite3_bind_int (stmt, 4, sso->enforced);
  pvd_bind_text (stmt, 5, sso->cert_subject);
  pvd_bind_text (stmt, 6, sso->cert_fingerprint);
  pvd_bind_time (stmt, 7, sso->cert_not_before);
  pvd_bind_time (stmt, 8, sso->cert_not_after);
  return pvd_store_run (self, stmt, error);
}

/* Connections */

PvdConnection *
pvd_store_get_connection (PvdStore    *self,
                          gint64       tenant_id,
                          const char  *kind,
                          GError     **error)
{
  static const char sql[] =
    "SELECT tenant_id, kind, enabled, identity_provider, token_lifetime_days,"
    " last_request_at, last_request_token_id FROM connections"
    " WHERE tenant_id = ?1 AND kind = ?2";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  PvdConnection *connection;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, kind);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_NOT_FOUND,
                   "No provisioning connection “%s”", kind);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      pvd_store_set_db_error (self, error);
      return NULL;
    }

  connection = g_new0 (PvdConnection, 1);
  connection->tenant_id = sqlite3_column_int64 (stmt, 0);
  connection->kind = pvd_column_text (stmt, 1);
  connection->enabled = sqlite3_column_int (stmt, 2) != 0;
  connection->identity_provider = pvd_column_text (stmt, 3);
  connection->token_lifetime_days = sqlite3_column_int64 (stmt, 4);
  connection->last_request_at = sqlite3_column_int64 (stmt, 5);
  connection->last_request_token_id = pvd_column_text (stmt, 6);
  return connection;
}

gboolean
pvd_store_update_connection (PvdStore             *self,
                             const PvdConnection  *connection,
                             GError              **error)
{
  static const char sql[] =
    "UPDATE connections SET enabled = ?3, identity_provider = ?4, token_lifetime_days = ?5"
    " WHERE tenant_id = ?1 AND kind = ?2";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, connection->tenant_id);
  pvd_bind_text (stmt, 2, connection->kind);
  sqlite3_bind_int (stmt, 3, connection->enabled);
  pvd_bind_text (stmt, 4, connection->identity_provider);
  sqlite3_bind_int64 (stmt, 5, connection->token_lifetime_days);
  return pvd_store_run (self, stmt, error);
}

/* Tokens */

#define TOKEN_COLUMNS \
  "id, tenant_id, kind, prefix, description, created_at, created_by, expires_at," \
  " last_used_at, last_user_agent, replaces, replaced_by, retire, retires_at," \
  " revoked_at, revoked_by, revoke_reason"

static PvdToken *
token_from_row (PvdStmt *stmt)
{
  PvdToken *token = g_new0 (PvdToken, 1);

  token->id = pvd_column_text (stmt, 0);
  token->tenant_id = sqlite3_column_int64 (stmt, 1);
  token->kind = pvd_column_text (stmt, 2);
  token->prefix = pvd_column_text (stmt, 3);
  token->description = pvd_column_text (stmt, 4);
  token->created_at = sqlite3_column_int64 (stmt, 5);
  token->created_by = pvd_column_text (stmt, 6);
  token->expires_at = sqlite3_column_int64 (stmt, 7);
  token->last_used_at = sqlite3_column_int64 (stmt, 8);
  token->last_user_agent = pvd_column_text (stmt, 9);
  token->replaces = pvd_column_text (stmt, 10);
  token->replaced_by = pvd_column_text (stmt, 11);
  token->retire = pvd_column_text (stmt, 12);
  token->retires_at = sqlite3_column_int64 (stmt, 13);
  token->revoked_at = sqlite3_column_int64 (stmt, 14);
  token->revoked_by = pvd_column_text (stmt, 15);
  token->revoke_reason = pvd_column_text (stmt, 16);
  return token;
}

/**
 * pvd_store_list_tokens:
 *
 * Returns: (transfer full): every token of the connection, deleted or not,
 *   newest first
 */
GPtrArray *
pvd_store_list_tokens (PvdStore    *self,
                       gint64       tenant_id,
                       const char  *kind,
                       GError     **error)
{
  static const char sql[] =
    "SELECT " TOKEN_COLUMNS " FROM tokens WHERE tenant_id = ?1 AND kind = ?2"
    " ORDER BY created_at DESC, rowid DESC";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pvd_token_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, kind);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (tokens, token_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      pvd_store_set_db_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&tokens);
}

static PvdToken *
get_token (PvdStore    *self,
           gint64       tenant_id,
           const char  *kind,
           const char  *token_id,
           GError     **error)
{
  static const char sql[] =
    "SELECT " TOKEN_COLUMNS " FROM tokens WHERE id = ?1 AND tenant_id = ?2 AND kind = ?3";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  pvd_bind_text (stmt, 1, token_id);
  sqlite3_bind_int64 (stmt, 2, tenant_id);
  pvd_bind_text (stmt, 3, kind);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return token_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, PVD_ERROR, PVD_ERROR_NOT_FOUND,
                 "The %s connection has no token “%s”", kind, token_id);
  else
    pvd_store_set_db_error (self, error);
  return NULL;
}

static gboolean
update_token_state (PvdStore        *self,
                    const PvdToken  *token,
                    GError         **error)
{
  static const char sql[] =
    "UPDATE tokens SET replaced_by = ?2, retire = ?3, retires_at = ?4, revoked_at = ?5,"
    " revoked_by = ?6, revoke_reason = ?7, last_used_at = ?8, last_user_agent = ?9"
    " WHERE id = ?1";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  pvd_bind_text (stmt, 1, token->id);
  pvd_bind_text (stmt, 2, token->replaced_by);
  pvd_bind_text (stmt, 3, token->retire);
  pvd_bind_time (stmt, 4, token->retires_at);
  pvd_bind_time (stmt, 5, token->revoked_at);
  pvd_bind_text (stmt, 6, token->revoked_by);
  pvd_bind_text (stmt, 7, token->revoke_reason);
  pvd_bind_time (stmt, 8, token->last_used_at);
  pvd_bind_text (stmt, 9, token->last_user_agent);
  return pvd_store_run (self, stmt, error);
}

static gboolean
insert_token (PvdStore        *self,
              const PvdToken  *token,
              const char      *digest,
              GError         **error)
{
  static const char sql[] =
    "INSERT INTO tokens (id, tenant_id, kind, digest, prefix, description, created_at,"
    " created_by, expires_at, replaces) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  pvd_bind_text (stmt, 1, token->id);
  sqlite3_bind_int64 (stmt, 2, token->tenant_id);
  pvd_bind_text (stmt, 3, token->kind);
  pvd_bind_text (stmt, 4, digest);
  pvd_bind_text (stmt, 5, token->prefix);
  pvd_bind_text (stmt, 6, token->description ? token->description : "");
  sqlite3_bind_int64 (stmt, 7, token->created_at);
  pvd_bind_text (stmt, 8, token->created_by);
  sqlite3_bind_int64 (stmt, 9, token->expires_at);
  pvd_bind_text (stmt, 10, token->replaces);
  return pvd_store_run (self, stmt, error);
}

static void
fill_token_event (PvdEvent       *event,
                  const char     *type,
                  const PvdToken *token,
                  gint64          now,
                  char           *detail)
{
  event->at = now;
  event->type = (char *) type;
  event->token_id = token->id;
  event->token_prefix = token->prefix;
  event->operation = (char *) type;
  event->detail = detail;
  /* Who used it first: what the app shows as the identity provider's switch. */
  if (g_str_equal (type, "token.first-use"))
    event->user_agent = token->last_user_agent;
}

#define ADD_TOKEN_EVENT(self, token, type, now, detail, error) \
  G_STMT_START { \
    PvdEvent _ev = { 0 }; \
    g_autofree char *_detail = (detail); \
    fill_token_event (&_ev, (type), (token), (now), _detail); \
    if (!pvd_store_add_event ((self), (token)->tenant_id, (token)->kind, &_ev, (error))) \
      goto fail; \
  } G_STMT_END

/* The token an earlier request with this Idempotency-Key issued, if any. */
static PvdToken *
find_requested_token (PvdStore    *self,
                      gint64       tenant_id,
                      const char  *kind,
                      const char  *idempotency_key,
                      GError     **error)
{
  static const char sql[] =
    "SELECT token_id FROM token_requests WHERE tenant_id = ?1 AND kind = ?2 AND idempotency_key = ?3";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, kind);
  pvd_bind_text (stmt, 3, idempotency_key);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      g_autoptr(GError) local_error = NULL;
      PvdToken *token = get_token (self, tenant_id, kind, (const char *) sqlite3_column_text (stmt, 0),
                                   &local_error);

      /* A token no longer stored leaves nothing to answer with: a new request. */
      if (local_error != NULL && !g_error_matches (local_error, PVD_ERROR, PVD_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return token;
    }
  if (rc != SQLITE_DONE)
    pvd_store_set_db_error (self, error);
  return NULL;
}

static gboolean
record_request (PvdStore        *self,
                const PvdToken  *token,
                const char      *idempotency_key,
                GError         **error)
{
  static const char sql[] =
    "INSERT INTO token_requests (tenant_id, kind, idempotency_key, token_id) VALUES (?1, ?2, ?3, ?4)";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, token->tenant_id);
  pvd_bind_text (stmt, 2, token->kind);
  pvd_bind_text (stmt, 3, idempotency_key);
  pvd_bind_text (stmt, 4, token->id);
  return pvd_store_run (self, stmt, error);
}

/* Who issued a token and when, for the messages of a refused issue. */
static char *
token_origin (const PvdToken *t)
{
  g_autofree char *when = pv_time_format (t->created_at);

  return g_strdup_printf ("%s (%s…), issued by %s at %s", t->id, t->prefix, t->created_by, when);
}

/* Why a connection with two active tokens takes no third: its newest
 * token is a replacement nobody has used yet (replace it), one the
 * identity provider already uses (wait for the old one to retire, or
 * revoke it), or there is no replacement between them at all. */
static void
refuse_third (const char      *kind,
              const PvdToken  *newest,
              const PvdToken  *old,
              const PvdToken **conflict,
              GError         **error)
{
  g_autofree char *origin = NULL;

  if (newest == NULL || old == NULL || g_strcmp0 (old->replaced_by, newest->id) != 0)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_TOKEN_LIMIT,
                   "The %s connection already has %d active tokens; revoke one first",
                   kind, PVD_TOKEN_MAX_ACTIVE);
      return;
    }
  origin = token_origin (newest);
  if (newest->last_used_at == 0)
    g_set_error (error, PVD_ERROR, PVD_ERROR_REPLACEMENT_PENDING,
                 "The %s connection already has a replacement for %s that has never been used: %s. "
                 "Replace it (replace_unused: \"%s\") or revoke it; %s goes on working either way",
                 kind, old->id, origin, newest->id, old->id);
  else
    g_set_error (error, PVD_ERROR, PVD_ERROR_REPLACEMENT_IN_USE,
                 "The %s connection's replacement %s is already in use by the identity provider, "
                 "and %s has not retired yet. Renew again once it has, or revoke it if the identity "
                 "provider no longer uses it",
                 kind, origin, old->id);
  *conflict = newest;
}

/* Whether @target may be replaced before first use: it must be the
 * connection's newest active token, never used. */
static gboolean
check_replace_unused (const char      *kind,
                      const PvdToken  *target,
                      const PvdToken  *newest,
                      gint64           now,
                      const PvdToken **conflict,
                      GError         **error)
{
  g_autofree char *origin = token_origin (target);

  if (pvd_token_is_deleted (target, now) || target->replaced_by != NULL ||
      !pvd_token_is_active (target, now) ||
      (newest != NULL && g_strcmp0 (newest->id, target->id) != 0))
    {
      if (newest != NULL && g_strcmp0 (newest->id, target->id) != 0)
        {
          g_autofree char *current = token_origin (newest);

          g_set_error (error, PVD_ERROR, PVD_ERROR_REPLACEMENT_CHANGED,
                       "%s is no longer the %s connection's newest token: it is %s. "
                       "Renew again to see what to do about that one",
                       origin, kind, current);
          *conflict = newest;
        }
      else
        g_set_error (error, PVD_ERROR, PVD_ERROR_REPLACEMENT_CHANGED,
                     "%s is no longer active on the %s connection; issue a token without replace_unused",
                     origin, kind);
      return FALSE;
    }
  if (target->last_used_at != 0)
    {
      g_autofree char *used = pv_time_format (target->last_used_at);

      g_set_error (error, PVD_ERROR, PVD_ERROR_REPLACEMENT_IN_USE,
                   "%s has been used (last at %s): a token the identity provider may rely on "
                   "is never replaced before first use",
                   origin, used);
      *conflict = target;
      return FALSE;
    }
  return TRUE;
}

/**
 * pvd_store_issue_token_full:
 * @issue: what to issue: description, lifetime, retire, who, and
 *   optionally the unused replacement it replaces and the request's
 *   Idempotency-Key
 * @out_token: (out) (optional): the new token's row
 * @out_conflict: (out) (optional): on a refusal about a token (a pending
 *   replacement, one already issued for this Idempotency-Key), that token
 *
 * Issues a SCIM token for a connection, replacing its one active token
 * according to @issue->retire.
 *
 * With @issue->replace_unused, that token (the connection's newest, never
 * used) is deleted with the reason "replaced-before-first-use" in the same
 * transaction, and the new token takes its place: it replaces what that
 * one replaced, and the old token goes on as before.
 *
 * With @issue->idempotency_key, a repeated request issues nothing: it is
 * refused with %PVD_ERROR_ALREADY_ISSUED and the token the first one
 * issued, whose secret only that first answer held.
 *
 * Returns: (transfer full): the secret, which exists nowhere else
 */
char *
pvd_store_issue_token_full (PvdStore        *self,
                            gint64           tenant_id,
                            const char      *kind,
                            const PvdIssue  *issue,
                            gint64           now,
                            PvdToken       **out_token,
                            PvdToken       **out_conflict,
                            GError         **error)
{
  g_autoptr(PvdConnection) connection = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(PvdToken) token = NULL;
  g_autoptr(PvdToken) target = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *digest = NULL;
  const char *created_by = issue->created_by;
  gint64 lifetime_days = issue->lifetime_days;
  PvdRetire retire = issue->retire;
  PvdToken *old = NULL;
  PvdToken *newest = NULL;
  PvdToken *last_active = NULL;
  const PvdToken *conflict = NULL;
  guint n_active = 0;

  if (!pvd_store_begin (self, error))
    return NULL;

  if (!(connection = pvd_store_get_connection (self, tenant_id, kind, error)) ||
      !(tokens = pvd_store_list_tokens (self, tenant_id, kind, error)))
    goto fail;

  if (issue->idempotency_key != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(PvdToken) earlier = find_requested_token (self, tenant_id, kind,
                                                          issue->idempotency_key, &local_error);

      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          goto fail;
        }
      if (earlier != NULL)
        {
          g_autofree char *origin = token_origin (earlier);

          g_set_error (error, PVD_ERROR, PVD_ERROR_ALREADY_ISSUED,
                       "A request with this Idempotency-Key already issued %s. Its secret was in "
                       "that answer and can be shown only once: replace it (replace_unused: \"%s\") "
                       "if it has never been used",
                       origin, earlier->id);
          if (out_conflict != NULL)
            *out_conflict = g_steal_pointer (&earlier);
          goto fail;
        }
    }

  if (lifetime_days == 0)
    lifetime_days = connection->token_lifetime_days;
  if (lifetime_days < PVD_TOKEN_MIN_LIFETIME_DAYS || lifetime_days > PVD_TOKEN_MAX_LIFETIME_DAYS)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_INVALID,
                   "lifetime_days must be between %d and %d",
                   PVD_TOKEN_MIN_LIFETIME_DAYS, PVD_TOKEN_MAX_LIFETIME_DAYS);
      goto fail;
    }

  for (guint i = 0; i < tokens->len; i++)
    {
      PvdToken *t = g_ptr_array_index (tokens, i);

      if (pvd_token_is_active (t, now))
        {
          if (t->replaced_by == NULL &&
              (newest == NULL || t->created_at >= newest->created_at))
            newest = t;
          last_active = t;
          n_active++;
        }
    }
  /* The token the new one replaces: the newest, or what the newest
   * replaced when that one is replaced before first use. */
  old = newest != NULL ? newest : last_active;

  if (issue->replace_unused != NULL)
    {
      if (!(target = get_token (self, tenant_id, kind, issue->replace_unused, error)))
        goto fail;
      if (!check_replace_unused (kind, target, newest, now, &conflict, error))
        goto refused;
      old = NULL;
      for (guint i = 0; i < tokens->len; i++)
        {
          PvdToken *t = g_ptr_array_index (tokens, i);

          if (g_strcmp0 (t->id, target->replaces) == 0 && pvd_token_is_active (t, now))
            old = t;
        }
    }
  else if (n_active >= PVD_TOKEN_MAX_ACTIVE)
    {
      PvdToken *replaced = NULL;

      for (guint i = 0; i < tokens->len; i++)
        {
          PvdToken *t = g_ptr_array_index (tokens, i);

          if (newest != NULL && g_strcmp0 (t->id, newest->replaces) == 0 &&
              pvd_token_is_active (t, now))
            replaced = t;
        }
      refuse_third (kind, newest, replaced, &conflict, error);
      goto refused;
    }

  secret = pv_token_generate (PV_TOKEN_SCIM);
  digest = pv_token_digest (secret);
  token = g_new0 (PvdToken, 1);
  token->id = pv_random_id ("tok_");
  token->tenant_id = tenant_id;
  token->kind = g_strdup (kind);
  token->prefix = pv_token_display_prefix (secret);
  token->description = g_strdup (issue->description ? issue->description : "");
  token->created_at = now;
  token->created_by = g_strdup (created_by);
  token->expires_at = now + lifetime_days * 86400;
  token->replaces = old ? g_strdup (old->id) : NULL;

  if (!insert_token (self, token, digest, error))
    goto fail;
  if (issue->idempotency_key != NULL &&
      !record_request (self, token, issue->idempotency_key, error))
    goto fail;

  ADD_TOKEN_EVENT (self, token, "token.issued", now,
                   old ? g_strdup_printf ("Issued by %s, replacing %s (retire: %s)",
                                          created_by, old->id, pvd_retire_to_string (retire))
                       : g_strdup_printf ("Issued by %s", created_by),
                   error);

  if (target != NULL)
    {
      target->revoked_at = now;
      target->revoked_by = g_strdup (created_by);
      target->revoke_reason = g_strdup ("replaced-before-first-use");
      target->replaced_by = g_strdup (token->id);
      if (!update_token_state (self, target, error))
        goto fail;
      ADD_TOKEN_EVENT (self, target, "token.revoked", now,
                       g_strdup_printf ("Replaced before first use by %s, by %s",
                                        token->id, created_by),
                       error);
    }

  if (old != NULL)
    {
      g_free (old->replaced_by);
      old->replaced_by = g_strdup (token->id);
      if (retire == PVD_RETIRE_NOW)
        {
          old->revoked_at = now;
          old->revoked_by = g_strdup (created_by);
          old->revoke_reason = g_strdup ("replaced");
        }
      else
        {
          g_free (old->retire);
          old->retire = g_strdup (pvd_retire_to_string (retire));
        }
      if (!update_token_state (self, old, error))
        goto fail;
      if (retire == PVD_RETIRE_NOW)
        ADD_TOKEN_EVENT (self, old, "token.revoked", now,
                         g_strdup_printf ("Replaced by %s, revoked at once by %s",
                                          token->id, created_by),
                         error);
    }

  if (!pvd_store_commit (self, error))
    goto fail;

  if (out_token != NULL)
    *out_token = g_steal_pointer (&token);
  return g_steal_pointer (&secret);

refused:
  if (out_conflict != NULL && conflict != NULL)
    *out_conflict = get_token (self, tenant_id, kind, conflict->id, NULL);
fail:
  pvd_store_rollback (self);
  return NULL;
}

/**
 * pvd_store_issue_token:
 * @out_token: (out) (optional): the new token's row
 *
 * Issues a SCIM token for a connection, replacing its one active token
 * according to @retire (pvd_store_issue_token_full() without replacing an
 * unused replacement or an Idempotency-Key).
 *
 * Returns: (transfer full): the secret, which exists nowhere else
 */
char *
pvd_store_issue_token (PvdStore    *self,
                       gint64       tenant_id,
                       const char  *kind,
                       const char  *description,
                       gint64       lifetime_days,
                       PvdRetire    retire,
                       const char  *created_by,
                       gint64       now,
                       PvdToken   **out_token,
                       GError     **error)
{
  PvdIssue issue = { description, lifetime_days, retire, created_by, NULL, NULL };

  return pvd_store_issue_token_full (self, tenant_id, kind, &issue, now, out_token, NULL, error);
}

/**
 * pvd_store_revoke_token:
 * @force: revoke even if the identity provider still depends on the token
 *
 * Returns: (transfer full): the token as it now stands
 */
PvdToken *
pvd_store_revoke_token (PvdStore    *self,
                        gint64       tenant_id,
                        const char  *kind,
                        const char  *token_id,
                        const char  *who,
                        gboolean     force,
                        gint64       now,
                        GError     **error)
{
  g_autoptr(PvdConnection) connection = NULL;
  g_autoptr(PvdToken) token = NULL;

  if (!pvd_store_begin (self, error))
    return NULL;

  if (!(connection = pvd_store_get_connection (self, tenant_id, kind, error)) ||
      !(token = get_token (self, tenant_id, kind, token_id, error)))
    goto fail;

  if (pvd_token_is_deleted (token, now))
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_NOT_FOUND,
                   "The token %s is already deleted", token_id);
      goto fail;
    }
  if (!force && pvd_token_is_active (token, now) &&
      g_strcmp0 (connection->last_request_token_id, token->id) == 0)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_TOKEN_IN_USE,
                   "The identity provider is still using the token %s (its last request came "
                   "with it); revoking it would stop provisioning. Repeat with force=true to "
                   "revoke it anyway", token->id);
      goto fail;
    }

  token->revoked_at = now;
  g_free (token->revoked_by);
  token->revoked_by = g_strdup (who);
  g_free (token->revoke_reason);
  token->revoke_reason = g_strdup ("revoked");
  token->retires_at = 0;
  if (!update_token_state (self, token, error))
    goto fail;
  ADD_TOKEN_EVENT (self, token, "token.revoked", now,
                   g_strdup_printf ("Revoked by %s%s", who, force ? " (forced)" : ""), error);

  /* A replacement withdrawn: the token it was to replace goes on as before. */
  if (token->replaces != NULL)
    {
      g_autoptr(PvdToken) old = get_token (self, tenant_id, kind, token->replaces, NULL);

      if (old != NULL && g_strcmp0 (old->replaced_by, token->id) == 0 &&
          !pvd_token_is_deleted (old, now))
        {
          g_clear_pointer (&old->replaced_by, g_free);
          g_clear_pointer (&old->retire, g_free);
          g_clear_pointer (&old->revoked_by, g_free);
          g_clear_pointer (&old->revoke_reason, g_free);
          old->retires_at = 0;
          if (!update_token_state (self, old, error))
            goto fail;
        }
    }

  if (!pvd_store_commit (self, error))
    goto fail;

  return g_steal_pointer (&token);

fail:
  pvd_store_rollback (self);
  return NULL;
}

static PvdToken *
find_token_by_secret (PvdStore    *self,
                      const char  *secret,
                      GError     **error)
{
  static const char sql[] = "SELECT " TOKEN_COLUMNS " FROM tokens WHERE digest = ?1";
  g_autofree char *digest = pv_token_digest (secret);
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  pvd_bind_text (stmt, 1, digest);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return token_from_row (stmt);
  if (rc != SQLITE_DONE)
    pvd_store_set_db_error (self, error);
  return NULL;
}

static gboolean
record_use (PvdStore        *self,
            PvdToken        *token,
            const char      *user_agent,
            gint64           now,
            GError         **error)
{
  static const char sql[] =
    "UPDATE connections SET last_request_at = ?3, last_request_token_id = ?4"
    " WHERE tenant_id = ?1 AND kind = ?2";
  g_autoptr(PvdStmt) stmt = NULL;

  token->last_used_at = now;
  if (user_agent != NULL && g_strcmp0 (user_agent, token->last_user_agent) != 0)
    {
      g_free (token->last_user_agent);
      token->last_user_agent = g_utf8_make_valid (user_agent, MIN (strlen (user_agent), 200));
    }
  if (!update_token_state (self, token, error))
    return FALSE;

  if (!(stmt = pvd_store_prepare (self, sql, error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, token->tenant_id);
  pvd_bind_text (stmt, 2, token->kind);
  sqlite3_bind_int64 (stmt, 3, now);
  pvd_bind_text (stmt, 4, token->id);
  return pvd_store_run (self, stmt, error);
}

/*
 * retirement_to_start:
 * @used: the token of a request that provisions (pvd_scim_request_provisions())
 *
 * Whether that request starts the retirement of the token @used replaces:
 * it does when the old token is alive, replaced by @used with
 * retire=on-first-use, and not being retired already.
 *
 * Returns: (transfer full) (nullable): the old token, or %NULL
 */
static PvdToken *
retirement_to_start (PvdStore       *self,
                     const PvdToken *used,
                     gint64          now)
{
  g_autoptr(PvdToken) old = NULL;

  if (used->replaces == NULL)
    return NULL;
  old = get_token (self, used->tenant_id, used->kind, used->replaces, NULL);
  if (old == NULL || pvd_token_is_deleted (old, now) || old->retires_at != 0 ||
      g_strcmp0 (old->replaced_by, used->id) != 0 ||
      g_strcmp0 (old->retire, "on-first-use") != 0)
    return NULL;
  return g_steal_pointer (&old);
}

/*
 * update_retirement:
 * @used: the token of a request, its use already recorded
 * @provisions: whether the request changes a user or group
 *   (pvd_scim_request_provisions())
 * @connection: the connection as it was before the request
 *
 * The retirement rule, in this one place.  Only evidence that the
 * identity provider provisions with the new token may doom the old one,
 * and a read is no such evidence: an identity provider's “Test
 * connection” only reads (Entra looks up a user that does not exist),
 * and a test need not be followed by a save.  So:
 *
 * 1. A request with a replacement that changes a user or group (POST,
 *    PUT, PATCH or DELETE of /Users or /Groups) starts the retirement of
 *    the token it replaces (retire=on-first-use): the old token retires
 *    once it has gone pvd_retire_window() unused (two cycles of the
 *    identity provider).  Reads with the new token are recorded as its
 *    use but start nothing.
 * 2. Each use of a token being retired, read or write, cancels its
 *    retirement: the identity provider still uses it.  The next change
 *    made with the new token starts it again.
 *
 * Retirement is a time stored in retires_at and compared with the
 * server's clock when a token is read (pvd_token_is_deleted()), so no
 * background job is needed and the test clock gives the same answers.
 */
static gboolean
update_retirement (PvdStore             *self,
                   PvdToken             *used,
                   gboolean              provisions,
                   const PvdConnection  *connection,
                   gint64                retire_grace,
                   gint64                now,
                   GError              **error)
{
  g_autoptr(PvdToken) old = NULL;
  g_autofree char *when = NULL;

  if (used->retires_at != 0)
    {
      used->retires_at = 0;
      g_clear_pointer (&used->revoked_by, g_free);
      g_clear_pointer (&used->revoke_reason, g_free);
      if (!update_token_state (self, used, error))
        return FALSE;
      ADD_TOKEN_EVENT (self, used, "token.retire-cancelled", now,
                       g_strdup_printf ("The identity provider still uses this token, not %s: "
                                        "it stays until the identity provider has switched",
                                        used->replaced_by),
                       error);
    }

  if (!provisions || !(old = retirement_to_start (self, used, now)))
    return TRUE;

  old->retires_at = now + pvd_retire_window (connection->identity_provider, retire_grace);
  old->revoked_by = g_strdup_printf ("provisiod (the identity provider switched to %s)", used->id);
  old->revoke_reason = g_strdup ("retired-after-first-use");
  if (!update_token_state (self, old, error))
    return FALSE;
  when = pv_time_format (old->retires_at);
  ADD_TOKEN_EVENT (self, old, "token.retired", now,
                   g_strdup_printf ("The identity provider provisioned with %s; this token stops "
                                    "working at %s unless the identity provider uses it again before",
                                    used->id, when),
                   error);
  return TRUE;

fail:
  return FALSE;
}

/**
 * pvd_store_authenticate_scim:
 * @secret: the bearer token the identity provider sent
 * @tenant_id: the tenant of the SCIM URL
 * @kind: the connection of the SCIM URL
 * @user_agent: (nullable): the client's User-Agent
 * @provisions: whether the request changes a user or group
 *   (pvd_scim_request_provisions()): the evidence that starts a retirement
 * @retire_grace: the server's `--retire-grace`, or -1 (pvd_retire_window())
 * @out_token: (out): the token, on %PVD_SCIM_AUTH_OK
 *
 * Checks a SCIM bearer token and records its use, and with it the moves
 * of the retirement rule (update_retirement()).  May be
 * called inside pvd_store_begin_read(); a write ends that read transaction.
 */
PvdScimAuth
pvd_store_authenticate_scim (PvdStore    *self,
                             const char  *secret,
                             gint64       tenant_id,
                             const char  *kind,
                             const char  *user_agent,
                             gboolean     provisions,
                             gint64       now,
                             gint64       retire_grace,
                             PvdToken   **out_token,
                             GError     **error)
{
  g_autoptr(PvdToken) token = NULL;
  g_autoptr(PvdConnection) connection = NULL;
  g_autoptr(PvdToken) old = NULL;
  gboolean first_use;
  PvTokenKind token_kind;

  if (!pv_token_is_well_formed (secret, &token_kind) || token_kind != PV_TOKEN_SCIM)
    return PVD_SCIM_AUTH_UNKNOWN;

  token = find_token_by_secret (self, secret, error);
  if (token == NULL)
    return PVD_SCIM_AUTH_UNKNOWN;
  if (token->tenant_id != tenant_id || g_strcmp0 (token->kind, kind) != 0)
    return PVD_SCIM_AUTH_WRONG_CONNECTION;
  if (pvd_token_is_deleted (token, now))
    return PVD_SCIM_AUTH_REVOKED;
  if (token->expires_at <= now)
    return PVD_SCIM_AUTH_EXPIRED;

  /* Writing on every request would make every SCIM read a write
   * transaction; a second's precision is enough for "last used", except
   * for a first use, a change of client and a change that starts the
   * old token's retirement, which are recorded at once. */
  first_use = token->last_used_at == 0;
  if (!first_use && now - token->last_used_at < 1 && token->retires_at == 0 &&
      (user_agent == NULL || g_strcmp0 (token->last_user_agent, user_agent) == 0) &&
      !(provisions && (old = retirement_to_start (self, token, now)) != NULL))
    {
      if (out_token != NULL)
        *out_token = g_steal_pointer (&token);
      return PVD_SCIM_AUTH_OK;
    }

  pvd_store_end_read (self);
  if (!pvd_store_begin (self, error))
    return PVD_SCIM_AUTH_UNKNOWN;
  /* The connection as it was before this request: which token came last. */
  if (!(connection = pvd_store_get_connection (self, tenant_id, kind, error)) ||
      !record_use (self, token, user_agent, now, error))
    goto fail;

  if (first_use)
    {
      ADD_TOKEN_EVENT (self, token, "token.first-use", now,
                       g_strdup_printf ("First request with this token%s%s",
                                        user_agent ? " from " : "",
                                        user_agent ? token->last_user_agent : ""),
                       error);
    }

  if (!update_retirement (self, token, provisions, connection, retire_grace, now, error))
    goto fail;

  if (!pvd_store_commit (self, error))
    goto fail;

  if (out_token != NULL)
    *out_token = g_steal_pointer (&token);
  return PVD_SCIM_AUTH_OK;

fail:
  pvd_store_rollback (self);
  return PVD_SCIM_AUTH_UNKNOWN;
}

/**
 * pvd_store_get_version:
 * @out_data_version: (out): changes when another connection commits
 * @out_changes: (out): changes when this connection writes
 *
 * Together the two numbers change whenever the database does, whoever
 * wrote: a cheap test of whether an answer computed earlier still holds.
 */
void
pvd_store_get_version (PvdStore *self,
                       gint64   *out_data_version,
                       gint64   *out_changes)
{
  static const char sql[] = "PRAGMA data_version";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, NULL);

  *out_data_version = -1;
  if (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
    *out_data_version = sqlite3_column_int64 (stmt, 0);
  *out_changes = sqlite3_total_changes64 (self->db);
}

/**
 * pvd_store_begin_read:
 *
 * Starts a read transaction for the queries that follow, until
 * pvd_store_end_read().  A write inside it is still possible (SQLite
 * upgrades the lock), it is just not atomic with the reads.
 */
void
pvd_store_begin_read (PvdStore *self)
{
  static const char sql[] = "BEGIN DEFERRED";

  if (sqlite3_get_autocommit (self->db))
    run_static (self, sql, NULL);
}

/**
 * pvd_store_set_durable:
 * @durable: whether each commit that follows is on disk before it returns
 *
 * Commits survive a crash of the process either way (SQLite's WAL is
 * written at each commit); a durable commit also survives a power loss,
 * for the price of an fsync.  Off by default, for SCIM writes and the
 * record of each token's use, which an identity provider repeats; on for
 * what an administrator does: a token issued and handed out, or revoked,
 * must not come back otherwise after a power loss.
 */
void
pvd_store_set_durable (PvdStore *self,
                       gboolean  durable)
{
  g_autoptr(GError) error = NULL;

  if (!exec (self, durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL", &error))
    g_warning ("Could not change the database's synchronous mode: %s", error->message);
}

/**
 * pvd_store_begin_write:
 *
 * Starts a write transaction for the statements that follow, committed by
 * pvd_store_end_write(): one commit for a request's change and its event.
 */
gboolean
pvd_store_begin_write (PvdStore  *self,
                       GError   **error)
{
  return pvd_store_begin (self, error);
}

gboolean
pvd_store_end_write (PvdStore  *self,
                     GError   **error)
{
  if (sqlite3_get_autocommit (self->db))
    return TRUE;
  if (!pvd_store_commit (self, error))
    {
      pvd_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

void
pvd_store_cancel_write (PvdStore *self)
{
  pvd_store_rollback (self);
}

void
pvd_store_end_read (PvdStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    pvd_store_commit (self, NULL);
}

gboolean
pvd_store_insert_token (PvdStore        *self,
                        const PvdToken  *token,
                        const char      *secret,
                        GError         **error)
{
  g_autofree char *digest = pv_token_digest (secret);

  return insert_token (self, token, digest, error) &&
         update_token_state (self, token, error);
}

/* Events */

gboolean
pvd_store_add_event (PvdStore        *self,
                     gint64           tenant_id,
                     const char      *kind,
                     const PvdEvent  *event,
                     GError         **error)
{
  static const char sql[] =
    "INSERT INTO events (tenant_id, kind, at, type, token_id, token_prefix, operation,"
    " status, user_agent, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
  static const char prune[] =
    "DELETE FROM events WHERE tenant_id = ?1 AND kind = ?2 AND id <="
    " (SELECT id FROM events WHERE tenant_id = ?1 AND kind = ?2"
    "  ORDER BY id DESC LIMIT 1 OFFSET ?3)";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, kind);
  sqlite3_bind_int64 (stmt, 3, event->at);
  pvd_bind_text (stmt, 4, event->type);
  pvd_bind_text (stmt, 5, event->token_id);
  pvd_bind_text (stmt, 6, event->token_prefix);
  pvd_bind_text (stmt, 7, event->operation);
  if (event->status != 0)
    sqlite3_bind_int (stmt, 8, event->status);
  pvd_bind_text (stmt, 9, event->user_agent);
  pvd_bind_text (stmt, 10, event->detail);
  if (!pvd_store_run (self, stmt, error))
    return FALSE;
  g_clear_pointer (&stmt, pvd_stmt_done);

  /* Pruning every hundredth insert keeps between 1,000 and 1,100 events. */
  if (++self->events_added % 100 == 0)
    {
      if (!(stmt = pvd_store_prepare (self, prune, error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, tenant_id);
      pvd_bind_text (stmt, 2, kind);
      sqlite3_bind_int (stmt, 3, PVD_EVENTS_KEPT);
      if (!pvd_store_run (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

GPtrArray *
pvd_store_list_events (PvdStore             *self,
                       gint64                tenant_id,
                       const char           *kind,
                       const PvdEventQuery  *query,
                       GError              **error)
{
  static const char sql[] =
    "SELECT id, at, type, token_id, token_prefix, operation, status, user_agent, detail"
    " FROM events WHERE tenant_id = ?1 AND kind = ?2 AND (?3 = 0 OR at > ?3)"
    " AND id > ?4 AND (?5 IS NULL OR token_id = ?5) ORDER BY id DESC LIMIT ?6";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) pvd_event_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, kind);
  sqlite3_bind_int64 (stmt, 3, query->since);
  sqlite3_bind_int64 (stmt, 4, query->after_id);
  pvd_bind_text (stmt, 5, query->token_id);
  sqlite3_bind_int (stmt, 6, query->limit);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      PvdEvent *event = g_new0 (PvdEvent, 1);

      event->id = sqlite3_column_int64 (stmt, 0);
      event->at = sqlite3_column_int64 (stmt, 1);
      event->type = pvd_column_text (stmt, 2);
      event->token_id = pvd_column_text (stmt, 3);
      event->token_prefix = pvd_column_text (stmt, 4);
      event->operation = pvd_column_text (stmt, 5);
      event->status = sqlite3_column_int (stmt, 6);
      event->user_agent = pvd_column_text (stmt, 7);
      event->detail = pvd_column_text (stmt, 8);
      g_ptr_array_add (events, event);
    }
  if (rc != SQLITE_DONE)
    {
      pvd_store_set_db_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&events);
}

gint64
pvd_store_count_scim_writes (PvdStore    *self,
                          gint64       tenant_id,
                          const char  *kind,
                          gint64       since,
                          GError     **error)
{
  static const char sql[] =
    "SELECT count(*) FROM events WHERE tenant_id = ?1 AND kind = ?2 AND type = 'scim'"
    " AND at > ?3";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, kind);
  sqlite3_bind_int64 (stmt, 3, since);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      pvd_store_set_db_error (self, error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}
