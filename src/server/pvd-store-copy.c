/* pvd-store-copy.c: moving a tenant server from one database to another
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pvd-store-copy"

#include "config.h"

#include "pvd-store-private.h"

/* Every table, parents before children, with its columns and the order
 * its rows were written in: tokens and SCIM resources are listed in that
 * order, and events keep their ids. */
static const struct {
  const char *table;
  const char *columns;
  const char *order;
} tables[] = {
  { "tenants", "id, slug, name, plan, created_at, reminder_thresholds", "id" },
  { "admin_keys", "id, tenant_id, digest, prefix, owner, created_at, expires_at, last_used_at,"
                  " revoked_at, revoked_by, replaces, replaced_by, successor_used_at", "created_at, id" },
  { "sso", "tenant_id, protocol, idp_entity_id, enforced, cert_subject, cert_fingerprint,"
           " cert_not_before, cert_not_after", "tenant_id" },
  { "connections", "tenant_id, kind, enabled, identity_provider, token_lifetime_days,"
                   " last_request_at, last_request_token_id", "tenant_id, kind" },
  { "tokens", "id, tenant_id, kind, digest, prefix, description, created_at, created_by,"
              " expires_at, last_used_at, last_user_agent, replaces, replaced_by, retire,"
              " retires_at, revoked_at, revoked_by, revoke_reason", "rowid" },
  { "token_requests", "tenant_id, kind, idempotency_key, token_id", "tenant_id, kind, idempotency_key" },
  { "events", "id, tenant_id, kind, at, type, token_id, token_prefix, operation, status,"
              " user_agent, detail", "id" },
  { "scim_resources", "tenant_id, kind, type, id, external_id, name, name_key, attributes,"
                      " created_at, modified_at, version", "rowid" },
  { "scim_group_members", "tenant_id, kind, group_id, member_id", "tenant_id, kind, group_id, member_id" },
};

static gint64
count_rows (PvdStore    *store,
            const char  *table,
            GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  PvdStmt *stmt = pvd_db_prepare (store->db, sql, FALSE);
  gint64 n = -1;

  if (stmt == NULL)
    {
      pvd_store_set_db_error (store, error);
      return -1;
    }
  if (pvd_stmt_step (stmt) == PVD_STEP_ROW)
    n = pvd_column_int64 (stmt, 0);
  else
    pvd_store_set_db_error (store, error);
  pvd_stmt_free (stmt);
  return n;
}

static gboolean
copy_table (PvdStore    *from,
            PvdStore    *to,
            guint        t,
            gint64      *out_rows,
            GError     **error)
{
  g_auto(GStrv) columns = g_strsplit (tables[t].columns, ",", -1);
  guint n = g_strv_length (columns);
  g_autofree char *select = g_strdup_printf ("SELECT %s FROM %s ORDER BY %s",
                                             tables[t].columns, tables[t].table, tables[t].order);
  g_autoptr(GString) insert = g_string_new (NULL);
  PvdStmt *source = NULL;
  PvdStmt *target = NULL;
  PvdStep step;
  gboolean ok = FALSE;

  g_string_printf (insert, "INSERT INTO %s (%s) VALUES (", tables[t].table, tables[t].columns);
  for (guint i = 0; i < n; i++)
    g_string_append_printf (insert, "%s?%u", i ? ", " : "", i + 1);
  g_string_append_c (insert, ')');

  if (!(source = pvd_db_prepare (from->db, select, FALSE)))
    {
      pvd_store_set_db_error (from, error);
      goto out;
    }
  if (!(target = pvd_db_prepare (to->db, insert->str, FALSE)))
    {
      pvd_store_set_db_error (to, error);
      goto out;
    }

  /* Values go as text, NULL as NULL: both databases read a number's text
   * into a number column. */
  *out_rows = 0;
  while ((step = pvd_stmt_step (source)) == PVD_STEP_ROW)
    {
      for (guint i = 0; i < n; i++)
        pvd_bind_text (target, i + 1, pvd_column_peek_text (source, i));
      if (pvd_stmt_step (target) == PVD_STEP_ERROR)
        {
          pvd_store_set_db_error (to, error);
          goto out;
        }
      pvd_stmt_done (target);
      ++*out_rows;
    }
  if (step == PVD_STEP_ERROR)
    {
      pvd_store_set_db_error (from, error);
      goto out;
    }
  ok = TRUE;

out:
  g_clear_pointer (&source, pvd_stmt_free);
  g_clear_pointer (&target, pvd_stmt_free);
  return ok;
}

/**
 * pvd_store_copy:
 * @from: the store to copy, left as it is
 * @to: an empty store
 * @func: (nullable): told each table and how many rows it had
 *
 * Copies everything, rows as they are: tenants, admin keys (their
 * digests), tokens (their digests), events with their ids, SCIM resources
 * with their versions.  The copy is one transaction: it happens whole or
 * not at all.
 */
gboolean
pvd_store_copy (PvdStore          *from,
                PvdStore          *to,
                PvdStoreCopyFunc   func,
                gpointer           user_data,
                GError           **error)
{
  g_autofree gint64 *rows = g_new0 (gint64, G_N_ELEMENTS (tables));

  g_return_val_if_fail (PVD_IS_STORE (from), FALSE);
  g_return_val_if_fail (PVD_IS_STORE (to), FALSE);

  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      gint64 n = count_rows (to, tables[t].table, error);

      if (n < 0)
        return FALSE;
      if (n > 0)
        {
          g_set_error (error, PVD_ERROR, PVD_ERROR_EXISTS,
                       "The database to copy to is not empty (its table %s has rows)",
                       tables[t].table);
          return FALSE;
        }
    }

  /* The source is read in one transaction too: one consistent state. */
  pvd_store_begin_read (from);
  if (!pvd_store_begin (to, error))
    {
      pvd_store_end_read (from);
      return FALSE;
    }
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    if (!copy_table (from, to, t, &rows[t], error))
      goto fail;
  if (to->db->klass->after_copy_sql != NULL && !pvd_db_exec (to->db, to->db->klass->after_copy_sql))
    {
      pvd_store_set_db_error (to, error);
      goto fail;
    }
  if (!pvd_store_commit (to, error))
    goto fail;
  pvd_store_end_read (from);

  for (guint t = 0; func != NULL && t < G_N_ELEMENTS (tables); t++)
    func (tables[t].table, rows[t], user_data);
  return TRUE;

fail:
  pvd_store_rollback (to);
  pvd_store_end_read (from);
  return FALSE;
}
