/* pvd-store-keys.c: a tenant's admin API keys, their rotation and retirement
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-store-keys"

#include "config.h"

#include "pv-time.h"
#include "pv-token.h"
#include "pvd-store-private.h"

/* Admin API keys */

#define KEY_COLUMNS "id, tenant_id, prefix, owner, created_at, expires_at, last_used_at, revoked_at," \
  " replaces, replaced_by, successor_used_at"

static PvdApiKey *
api_key_from_row (PvdStmt *stmt)
{
  PvdApiKey *key = g_new0 (PvdApiKey, 1);

  key->id = pvd_column_text (stmt, 0);
  key->tenant_id = pvd_column_int64 (stmt, 1);
  key->prefix = pvd_column_text (stmt, 2);
  key->owner = pvd_column_text (stmt, 3);
  key->created_at = pvd_column_int64 (stmt, 4);
  key->expires_at = pvd_column_int64 (stmt, 5);
  key->last_used_at = pvd_column_int64 (stmt, 6);
  key->revoked_at = pvd_column_int64 (stmt, 7);
  key->replaces = pvd_column_text (stmt, 8);
  key->replaced_by = pvd_column_text (stmt, 9);
  key->successor_used_at = pvd_column_int64 (stmt, 10);
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
  pvd_bind_int64 (stmt, 2, tenant_id);
  pvd_bind_text (stmt, 3, digest);
  pvd_bind_text (stmt, 4, prefix);
  pvd_bind_text (stmt, 5, owner);
  pvd_bind_int64 (stmt, 6, now);
  pvd_bind_int64 (stmt, 7, now + lifetime_days * 86400);
  pvd_bind_text (stmt, 8, replaces);
  if (!pvd_store_run (self, stmt, error))
    return NULL;
  g_clear_pointer (&stmt, pvd_stmt_done);

  if (out_key != NULL)
    {
      if (!(stmt = pvd_store_prepare (self, select_sql, error)))
        return NULL;
      pvd_bind_text (stmt, 1, id);
      if (pvd_stmt_step (stmt) != PVD_STEP_ROW)
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
      pvd_bind_int64 (stmt, 2, now);
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
  pvd_bind_int64 (stmt, 1, tenant_id);
  while ((rc = pvd_stmt_step (stmt)) == PVD_STEP_ROW)
    g_ptr_array_add (keys, api_key_from_row (stmt));
  if (rc != PVD_STEP_DONE)
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
  pvd_bind_int64 (stmt, 2, tenant_id);
  pvd_bind_int64 (stmt, 3, now);
  pvd_bind_text (stmt, 4, who);
  if (!pvd_store_run (self, stmt, error))
    return FALSE;
  if (pvd_db_changes (self->db) == 0)
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
  rc = pvd_stmt_step (stmt);
  if (rc == PVD_STEP_ROW)
    key = api_key_from_row (stmt);
  else if (rc != PVD_STEP_DONE)
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
      pvd_bind_int64 (stmt, 2, now);
      if (pvd_stmt_step (stmt) == PVD_STEP_DONE)
        key->last_used_at = now;
      else
        g_debug ("Could not record the use of an admin key: %s", pvd_db_error_message (self->db));
      g_clear_pointer (&stmt, pvd_stmt_done);
    }
  if (key->replaces != NULL && key->last_used_at == now &&
      (stmt = pvd_store_prepare (self, successor_used, NULL)) != NULL)
    {
      pvd_bind_text (stmt, 1, key->id);
      pvd_bind_int64 (stmt, 2, now);
      pvd_bind_text (stmt, 3, key->replaces);
      if (pvd_stmt_step (stmt) != PVD_STEP_DONE)
        g_debug ("Could not record the first use of a new admin key: %s", pvd_db_error_message (self->db));
      else if (pvd_db_changes (self->db) > 0)
        g_message ("Admin key %s… of %s used for the first time; the key it replaces retires "
                   "once quiet", key->prefix, key->owner);
    }

  return g_steal_pointer (&key);
}

