/* pvd-store.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-store"

#include "config.h"

#include "pv-guide.h"
#include "pvd-store-private.h"


G_DEFINE_FINAL_TYPE (PvdStore, pvd_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (pvd-error-quark, pvd_error)

/* The schema's version: each database's steps (pvd-db.h) bring it here. */
#define SCHEMA_VERSION 6

gboolean
pvd_store_set_db_error (PvdStore  *self,
                        GError   **error)
{
  /* The databases' messages name tables and constraints, never bound
   * values, so they cannot carry a secret. */
  if (pvd_db_error_kind (self->db) == PVD_DB_UNAVAILABLE)
    g_set_error (error, PVD_ERROR, PVD_ERROR_UNAVAILABLE,
                 "The database is unavailable: %s", pvd_db_error_message (self->db));
  else
    g_set_error (error, PVD_ERROR, PVD_ERROR_DATABASE,
                 "Database error: %s", pvd_db_error_message (self->db));
  return FALSE;
}

PvdStmt *
pvd_store_prepare (PvdStore    *self,
                   const char  *sql,
                   GError     **error)
{
  PvdStmt *stmt = g_hash_table_lookup (self->statements, sql);

  if (stmt == NULL)
    {
      if (!(stmt = pvd_db_prepare (self->db, sql, TRUE)))
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
    pvd_bind_null (stmt, index);
  else
    stmt->db->klass->bind_text (stmt, index, text);
}

/* Times: 0 is stored as NULL. */
void
pvd_bind_time (PvdStmt *stmt,
               int      index,
               gint64   value)
{
  if (value == 0)
    pvd_bind_null (stmt, index);
  else
    pvd_bind_int64 (stmt, index, value);
}

char *
pvd_column_text (PvdStmt *stmt,
                 int      column)
{
  return g_strdup (pvd_column_peek_text (stmt, column));
}

/* Runs a statement that returns no rows. */
gboolean
pvd_store_run (PvdStore  *self,
               PvdStmt   *stmt,
               GError   **error)
{
  if (pvd_stmt_step (stmt) == PVD_STEP_ERROR)
    return pvd_store_set_db_error (self, error);
  return TRUE;
}

/* Runs a statement that returns no rows and whose outcome the caller need
 * not know at once: in a transaction on PostgreSQL it goes to the database
 * with the next statement (one round trip for both), and if it fails the
 * transaction does, its commit with an error.  Outside a transaction, and
 * on SQLite, at once. */
gboolean
pvd_store_run_later (PvdStore  *self,
                     PvdStmt   *stmt,
                     GError   **error)
{
  if (self->db->klass->step_later == NULL)
    return pvd_store_run (self, stmt, error);
  if (!self->db->klass->step_later (stmt))
    return pvd_store_set_db_error (self, error);
  return TRUE;
}

/* Runs a write whose count of changed rows is read at the commit (see
 * PvdDbClass.step_counted_later); only where the database does that. */
gboolean
pvd_store_run_counted_later (PvdStore  *self,
                             PvdStmt   *stmt,
                             guint     *out_ticket,
                             GError   **error)
{
  g_return_val_if_fail (self->db->klass->step_counted_later != NULL, FALSE);
  if (!self->db->klass->step_counted_later (stmt, out_ticket))
    return pvd_store_set_db_error (self, error);
  return TRUE;
}

/* Forgets the pending outcome of the change in progress (see insert_later). */
void
pvd_store_clear_pending (PvdStore *self)
{
  g_clear_pointer (&self->pending_stmt, pvd_stmt_done);
  g_clear_pointer (&self->pending_name, g_free);
  self->pending_sent = FALSE;
}

/* Prepares (once, see pvd_store_prepare()) and runs a statement that
 * takes no parameters and returns no rows: a savepoint, its release. */
gboolean
pvd_store_run_sql (PvdStore    *self,
                   const char  *sql,
                   GError     **error)
{
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  return stmt != NULL && pvd_store_run (self, stmt, error);
}

static gboolean
exec (PvdStore    *self,
      const char  *sql,
      GError     **error)
{
  if (!pvd_db_exec (self->db, sql))
    return pvd_store_set_db_error (self, error);
  return TRUE;
}

/* A write transaction that excludes every other writer, on every
 * connection to the database, as SQLite's BEGIN IMMEDIATE does: for what
 * is not one connection's (the schema, a tenant, its admin keys). */
gboolean
pvd_store_begin (PvdStore  *self,
                 GError   **error)
{
  return exec (self, self->db->klass->begin_write_sql, error);
}

/* A write transaction for one connection's rows, which holds the
 * connection's lock (pvd_store_lock_connection()) to its end: the rules
 * that read before they write (two active tokens, a retirement that happens
 * once, unique userNames, event ids in the order of the commits) are each
 * one connection's, so writers of other connections go on beside it. */
gboolean
pvd_store_begin_connection (PvdStore    *self,
                            gint64       tenant_id,
                            const char  *kind,
                            GError     **error)
{
  if (!pvd_store_begin_write (self, error))
    return FALSE;
  if (pvd_store_lock_connection (self, tenant_id, kind, TRUE, error) != PVD_LOCK_HELD)
    {
      pvd_store_rollback (self);
      return FALSE;
    }
  return TRUE;
}

/**
 * pvd_store_lock_connection:
 * @wait: whether to wait for another transaction's lock (at most five
 *   seconds on PostgreSQL); without, such a lock is %PVD_LOCK_BUSY
 *
 * Locks a connection's rows until the end of the write transaction begun
 * by pvd_store_begin_write().  On SQLite that transaction already excludes
 * every other writer.
 *
 * Returns: %PVD_LOCK_HELD, %PVD_LOCK_BUSY, or %PVD_LOCK_ERROR with @error
 *   set
 */
PvdLock
pvd_store_lock_connection (PvdStore    *self,
                           gint64       tenant_id,
                           const char  *kind,
                           gboolean     wait,
                           GError     **error)
{
  PvdLock lock;

  if (self->db->klass->lock_connection == NULL)
    return PVD_LOCK_HELD;
  lock = self->db->klass->lock_connection (self->db, tenant_id, kind, wait);
  if (lock == PVD_LOCK_ERROR)
    pvd_store_set_db_error (self, error);
  return lock;
}

gboolean
pvd_store_commit (PvdStore  *self,
                  GError   **error)
{
  if (!self->db->klass->notify_change (self->db))
    return pvd_store_set_db_error (self, error);
  return exec (self, "COMMIT", error);
}

void
pvd_store_rollback (PvdStore *self)
{
  if (pvd_db_in_transaction (self->db))
    exec (self, "ROLLBACK", NULL);
}

static void
pvd_store_finalize (GObject *object)
{
  PvdStore *self = (PvdStore *) object;

  pvd_store_clear_pending (self);
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_clear_pointer (&self->db, pvd_db_close);

  G_OBJECT_CLASS (pvd_store_parent_class)->finalize (object);
}

static void
pvd_store_class_init (PvdStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pvd_store_finalize;
}

static void
pvd_store_init (PvdStore *self)
{
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                            (GDestroyNotify) pvd_stmt_free);
  self->credentials_generation = -1;
}

/* The schema brought to SCHEMA_VERSION, its steps and the version in one
 * write transaction: a crash leaves it as it was, and nodes that start
 * together on one database migrate it once. */
static gboolean
migrate (PvdStore  *self,
         GError   **error)
{
  const PvdDbClass *klass = self->db->klass;
  gint64 version;

  if (!pvd_store_begin (self, error))
    return FALSE;
  version = klass->schema_version (self->db);
  if (version < 0)
    {
      pvd_store_set_db_error (self, error);
      goto fail;
    }
  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_DATABASE,
                   "The database was written by a newer provisiod (schema %" G_GINT64_FORMAT
                   ", this one knows %d)", version, SCHEMA_VERSION);
      goto fail;
    }
  for (gint64 v = version; v < SCHEMA_VERSION; v++)
    {
      g_assert (klass->schema_steps[v] != NULL);
      if (!exec (self, klass->schema_steps[v], error))
        goto fail;
    }
  if (version < SCHEMA_VERSION && !klass->set_schema_version (self->db, SCHEMA_VERSION))
    {
      pvd_store_set_db_error (self, error);
      goto fail;
    }
  if (!exec (self, klass->schema_extra, error) ||
      !pvd_store_commit (self, error))
    goto fail;
  return TRUE;

fail:
  pvd_store_rollback (self);
  return FALSE;
}

/**
 * pvd_store_open:
 * @location: the database: an SQLite file (created if missing) or a
 *   PostgreSQL connection URI (pvd_db_open())
 * @error: return location for a #PVD_ERROR
 *
 * Returns: (transfer full): the store, with its schema up to date
 */
PvdStore *
pvd_store_open (const char  *location,
                GError     **error)
{
  g_autoptr(PvdStore) self = g_object_new (PVD_TYPE_STORE, NULL);

  if (!(self->db = pvd_db_open (location, error)) ||
      !migrate (self, error))
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

  tenant->id = pvd_column_int64 (stmt, 0);
  tenant->slug = pvd_column_text (stmt, 1);
  tenant->name = pvd_column_text (stmt, 2);
  tenant->plan = pvd_column_text (stmt, 3);
  tenant->created_at = pvd_column_int64 (stmt, 4);
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
    "INSERT INTO tenants (slug, name, created_at) VALUES (?1, ?2, ?3) RETURNING id";
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
  pvd_bind_int64 (stmt, 3, now);
  if (pvd_stmt_step (stmt) != PVD_STEP_ROW)
    {
      if (pvd_db_error_kind (self->db) == PVD_DB_UNIQUE)
        g_set_error (error, PVD_ERROR, PVD_ERROR_EXISTS,
                     "A tenant “%s” already exists", slug);
      else
        pvd_store_set_db_error (self, error);
      goto fail;
    }
  tenant_id = pvd_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, pvd_stmt_done);

  if (!(stmt = pvd_store_prepare (self, insert_sso, error)))
    goto fail;
  pvd_bind_int64 (stmt, 1, tenant_id);
  if (!pvd_store_run (self, stmt, error))
    goto fail;
  g_clear_pointer (&stmt, pvd_stmt_done);

  for (guint i = 0; i < 2; i++)
    {
      if (!(stmt = pvd_store_prepare (self, insert_connection, error)))
        goto fail;
      pvd_bind_int64 (stmt, 1, tenant_id);
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
  while ((rc = pvd_stmt_step (stmt)) == PVD_STEP_ROW)
    g_ptr_array_add (tenants, tenant_from_row (stmt));
  if (rc != PVD_STEP_DONE)
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
    pvd_bind_int64 (stmt, 1, tenant_id);

  rc = pvd_stmt_step (stmt);
  if (rc == PVD_STEP_ROW)
    return tenant_from_row (stmt);
  if (rc == PVD_STEP_DONE)
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
  pvd_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, thresholds);
  return pvd_store_run (self, stmt, error);
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
  pvd_bind_int64 (stmt, 1, tenant_id);
  if (pvd_stmt_step (stmt) != PVD_STEP_ROW)
    {
      pvd_store_set_db_error (self, error);
      return NULL;
    }

  sso = g_new0 (PvdSso, 1);
  sso->tenant_id = pvd_column_int64 (stmt, 0);
  sso->protocol = pvd_column_text (stmt, 1);
  sso->idp_entity_id = pvd_column_text (stmt, 2);
  sso->enforced = pvd_column_int64 (stmt, 3) != 0;
  sso->cert_subject = pvd_column_text (stmt, 4);
  sso->cert_fingerprint = pvd_column_text (stmt, 5);
  sso->cert_not_before = pvd_column_int64 (stmt, 6);
  sso->cert_not_after = pvd_column_int64 (stmt, 7);
  return sso;
}

/**
 * pvd_store_update_sso:
 * @sso: the tenant's SSO, with the new values of @fields
 * @fields: the settings to write; the others stay as they are in the
 *   database
 *
 * One statement, which reads nothing to write back: a change to another
 * setting made meanwhile (by another node) is kept.
 */
gboolean
pvd_store_update_sso (PvdStore      *self,
                      const PvdSso  *sso,
                      PvdSsoFields   fields,
                      GError       **error)
{
  static const char sql[] =
    "UPDATE sso SET protocol = COALESCE(?2, protocol), idp_entity_id = COALESCE(?3, idp_entity_id),"
    " enforced = COALESCE(?4, enforced), cert_subject = COALESCE(?5, cert_subject),"
    " cert_fingerprint = COALESCE(?6, cert_fingerprint),"
    " cert_not_before = COALESCE(?7, cert_not_before), cert_not_after = COALESCE(?8, cert_not_after)"
    " WHERE tenant_id = ?1";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  gboolean certificate = (fields & PVD_SSO_CERTIFICATE) != 0;

  if (stmt == NULL)
    return FALSE;
  pvd_bind_int64 (stmt, 1, sso->tenant_id);
  pvd_bind_text (stmt, 2, fields & PVD_SSO_PROTOCOL ? sso->protocol : NULL);
  pvd_bind_text (stmt, 3, fields & PVD_SSO_IDP_ENTITY_ID ? sso->idp_entity_id : NULL);
  if (fields & PVD_SSO_ENFORCED)
    pvd_bind_int64 (stmt, 4, sso->enforced);
  else
    pvd_bind_null (stmt, 4);
  pvd_bind_text (stmt, 5, certificate ? sso->cert_subject : NULL);
  pvd_bind_text (stmt, 6, certificate ? sso->cert_fingerprint : NULL);
  pvd_bind_time (stmt, 7, certificate ? sso->cert_not_before : 0);
  pvd_bind_time (stmt, 8, certificate ? sso->cert_not_after : 0);
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
  pvd_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, kind);
  rc = pvd_stmt_step (stmt);
  if (rc == PVD_STEP_DONE)
    {
      g_set_error (error, PVD_ERROR, PVD_ERROR_NOT_FOUND,
                   "No provisioning connection “%s”", kind);
      return NULL;
    }
  if (rc != PVD_STEP_ROW)
    {
      pvd_store_set_db_error (self, error);
      return NULL;
    }

  connection = g_new0 (PvdConnection, 1);
  connection->tenant_id = pvd_column_int64 (stmt, 0);
  connection->kind = pvd_column_text (stmt, 1);
  connection->enabled = pvd_column_int64 (stmt, 2) != 0;
  connection->identity_provider = pvd_column_text (stmt, 3);
  connection->token_lifetime_days = pvd_column_int64 (stmt, 4);
  connection->last_request_at = pvd_column_int64 (stmt, 5);
  connection->last_request_token_id = pvd_column_text (stmt, 6);
  return connection;
}

/**
 * pvd_store_update_connection:
 * @connection: the connection, with the new values of @fields
 * @fields: the settings to write; the others stay as they are in the
 *   database
 *
 * One statement, which reads nothing to write back: a change to another
 * setting made meanwhile (by another node) is kept.
 */
gboolean
pvd_store_update_connection (PvdStore             *self,
                             const PvdConnection  *connection,
                             PvdConnectionFields   fields,
                             GError              **error)
{
  static const char sql[] =
    "UPDATE connections SET enabled = COALESCE(?3, enabled),"
    " identity_provider = COALESCE(?4, identity_provider),"
    " token_lifetime_days = COALESCE(?5, token_lifetime_days)"
    " WHERE tenant_id = ?1 AND kind = ?2";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  pvd_bind_int64 (stmt, 1, connection->tenant_id);
  pvd_bind_text (stmt, 2, connection->kind);
  if (fields & PVD_CONNECTION_ENABLED)
    pvd_bind_int64 (stmt, 3, connection->enabled);
  else
    pvd_bind_null (stmt, 3);
  pvd_bind_text (stmt, 4, fields & PVD_CONNECTION_IDENTITY_PROVIDER ? connection->identity_provider : NULL);
  if (fields & PVD_CONNECTION_TOKEN_LIFETIME)
    pvd_bind_int64 (stmt, 5, connection->token_lifetime_days);
  else
    pvd_bind_null (stmt, 5);
  return pvd_store_run (self, stmt, error);
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
  self->db->klass->get_version (self->db, out_data_version, out_changes);
}

/**
 * pvd_store_get_credentials_generation:
 *
 * A number that every change to a tenant, an admin key, a connection or a
 * token bumps, except the record of a key's or token's use: triggers in
 * the database (schema version 5) bump it in the writer's transaction, so
 * that it counts what other processes and nodes write too.  It is read
 * again only when pvd_store_get_version() says the database changed, so
 * between such changes it costs no query.  Read it before what it is to
 * vouch for: an answer read after it is then no older than it.
 *
 * Returns: the generation, or -1 if it could not be read (then no cached
 *   credential holds)
 */
gint64
pvd_store_get_credentials_generation (PvdStore *self)
{
  static const char sql[] = "SELECT generation FROM credentials_generation";
  g_autoptr(PvdStmt) stmt = NULL;
  gint64 data_version, changes;

  pvd_store_get_version (self, &data_version, &changes);
  if (self->credentials_generation >= 0 &&
      data_version == self->credentials_data_version && changes == self->credentials_changes)
    return self->credentials_generation;

  self->credentials_generation = -1;
  stmt = pvd_store_prepare (self, sql, NULL);
  if (stmt != NULL && pvd_stmt_step (stmt) == PVD_STEP_ROW)
    {
      self->credentials_generation = pvd_column_int64 (stmt, 0);
      self->credentials_data_version = data_version;
      self->credentials_changes = changes;
    }
  return self->credentials_generation;
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
  if (!pvd_db_in_transaction (self->db))
    exec (self, self->db->klass->begin_read_sql, NULL);
}

/**
 * pvd_store_set_durable:
 * @durable: whether each commit that follows is on disk before it returns
 *
 * Commits survive a crash of the process either way; a durable commit
 * also survives a power loss, for the price of an fsync.  Off by default, for SCIM writes and the
 * record of each token's use, which an identity provider repeats; on for
 * what an administrator does: a token issued and handed out, or revoked,
 * must not come back otherwise after a power loss.
 */
void
pvd_store_set_durable (PvdStore *self,
                       gboolean  durable)
{
  self->db->klass->set_durable (self->db, durable);
}

/**
 * pvd_store_begin_write:
 *
 * Starts a write transaction for the statements that follow, committed by
 * pvd_store_end_write(): one commit for a request's change and its event.
 * It excludes pvd_store_begin()'s writers; each connection it writes is
 * locked first (pvd_store_lock_connection()).
 */
gboolean
pvd_store_begin_write (PvdStore  *self,
                       GError   **error)
{
  const PvdDbClass *klass = self->db->klass;

  return exec (self, klass->begin_shared_sql ? klass->begin_shared_sql : klass->begin_write_sql,
               error);
}

gboolean
pvd_store_end_write (PvdStore  *self,
                     GError   **error)
{
  if (!pvd_db_in_transaction (self->db))
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
  if (pvd_db_in_transaction (self->db))
    pvd_store_commit (self, NULL);
}

/**
 * pvd_store_count_auth_failure:
 * @address: the client's address
 * @now: real time, seconds
 * @window: how long a window of failures lasts, seconds
 * @out_window_start: (out): when the address's current window started
 * @out_count: (out): its failures in that window, on every node
 *
 * Where several servers share the database (PostgreSQL), a failed
 * authentication is counted there, so that the limit per address holds
 * across them.
 *
 * Returns: %FALSE if the database keeps no count (SQLite: the server's
 *   own count is the count) or could not
 */
gboolean
pvd_store_count_auth_failure (PvdStore   *self,
                              const char *address,
                              gint64      now,
                              gint64      window,
                              gint64     *out_window_start,
                              gint64     *out_count)
{
  const PvdDbClass *klass = self->db->klass;

  return klass->count_auth_failure != NULL &&
         klass->count_auth_failure (self->db, address, now, window, out_window_start, out_count);
}

/**
 * pvd_store_get_auth_failures:
 * @address: the client's address
 * @now: real time, seconds
 * @window: how long a window of failures lasts, seconds
 * @out_window_start: (out): when the address's current window started
 * @out_count: (out): its failures in that window on every node, 0 if none
 *
 * Like pvd_store_count_auth_failure(), without counting one.
 *
 * Returns: %FALSE if the database keeps no count or could not
 */
gboolean
pvd_store_get_auth_failures (PvdStore   *self,
                             const char *address,
                             gint64      now,
                             gint64      window,
                             gint64     *out_window_start,
                             gint64     *out_count)
{
  const PvdDbClass *klass = self->db->klass;

  return klass->get_auth_failures != NULL &&
         klass->get_auth_failures (self->db, address, now, window, out_window_start, out_count);
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
  g_autoptr(PvdStmt) stmt = NULL;

  if (self->pending_stmt != NULL)
    {
      /* A new user's event goes with the user, in one statement whose
       * outcome is read at the commit (insert_later, pvd_scim_store_create():
       * its parameters 1 to 9 are bound, the event's follow). */
      PvdStmt *pending = self->pending_stmt;

      pvd_bind_int64 (pending, 10, event->at);
      pvd_bind_text (pending, 11, event->type);
      pvd_bind_text (pending, 12, event->token_id);
      pvd_bind_text (pending, 13, event->token_prefix);
      pvd_bind_text (pending, 14, event->operation);
      pvd_bind_int64 (pending, 15, event->status);
      pvd_bind_text (pending, 16, event->user_agent);
      pvd_bind_text (pending, 17, event->detail);
      if (!pvd_store_run_counted_later (self, pending, &self->pending_ticket, error))
        return FALSE;
      self->pending_sent = TRUE;
      g_clear_pointer (&self->pending_stmt, pvd_stmt_done);
    }
  else
    {
      if (!(stmt = pvd_store_prepare (self, sql, error)))
        return FALSE;
      pvd_bind_int64 (stmt, 1, tenant_id);
      pvd_bind_text (stmt, 2, kind);
      pvd_bind_int64 (stmt, 3, event->at);
      pvd_bind_text (stmt, 4, event->type);
      pvd_bind_text (stmt, 5, event->token_id);
      pvd_bind_text (stmt, 6, event->token_prefix);
      pvd_bind_text (stmt, 7, event->operation);
      if (event->status != 0)
        pvd_bind_int64 (stmt, 8, event->status);
      pvd_bind_text (stmt, 9, event->user_agent);
      pvd_bind_text (stmt, 10, event->detail);
      if (!pvd_store_run_later (self, stmt, error))
        return FALSE;
      g_clear_pointer (&stmt, pvd_stmt_done);
    }

  /* Pruning every hundredth insert keeps between 1,000 and 1,100 events. */
  if (++self->events_added % 100 == 0)
    {
      if (!(stmt = pvd_store_prepare (self, prune, error)))
        return FALSE;
      pvd_bind_int64 (stmt, 1, tenant_id);
      pvd_bind_text (stmt, 2, kind);
      pvd_bind_int64 (stmt, 3, PVD_EVENTS_KEPT);
      if (!pvd_store_run_later (self, stmt, error))
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
    " FROM events WHERE tenant_id = ?1 AND kind = ?2 AND (CAST (?3 AS BIGINT) = 0 OR at > ?3)"
    " AND id > ?4 AND (CAST (?5 AS TEXT) IS NULL OR token_id = ?5) ORDER BY id DESC LIMIT ?6";
  g_autoptr(PvdStmt) stmt = pvd_store_prepare (self, sql, error);
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) pvd_event_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  pvd_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, kind);
  pvd_bind_int64 (stmt, 3, query->since);
  pvd_bind_int64 (stmt, 4, query->after_id);
  pvd_bind_text (stmt, 5, query->token_id);
  pvd_bind_int64 (stmt, 6, query->limit);
  while ((rc = pvd_stmt_step (stmt)) == PVD_STEP_ROW)
    {
      PvdEvent *event = g_new0 (PvdEvent, 1);

      event->id = pvd_column_int64 (stmt, 0);
      event->at = pvd_column_int64 (stmt, 1);
      event->type = pvd_column_text (stmt, 2);
      event->token_id = pvd_column_text (stmt, 3);
      event->token_prefix = pvd_column_text (stmt, 4);
      event->operation = pvd_column_text (stmt, 5);
      event->status = pvd_column_int64 (stmt, 6);
      event->user_agent = pvd_column_text (stmt, 7);
      event->detail = pvd_column_text (stmt, 8);
      g_ptr_array_add (events, event);
    }
  if (rc != PVD_STEP_DONE)
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
  pvd_bind_int64 (stmt, 1, tenant_id);
  pvd_bind_text (stmt, 2, kind);
  pvd_bind_int64 (stmt, 3, since);
  if (pvd_stmt_step (stmt) != PVD_STEP_ROW)
    {
      pvd_store_set_db_error (self, error);
      return -1;
    }
  return pvd_column_int64 (stmt, 0);
}
