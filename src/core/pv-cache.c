/* pv-cache.c: the last known state of each tenant, for opening without a network
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-cache"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pv-cache.h"
#include "pv-files.h"
#include "pv-json.h"
#include "pv-time.h"

/* $XDG_CACHE_HOME/provisio/tenants/ID.json holds what the management API
 * answered, which carries no secret (the API never sends one outside the
 * issuing answer, which is not cached), and when it was fetched.  Reading
 * and writing happen off the main thread. */

/**
 * pv_cache_file_for:
 * @tenant: a tenant profile's id
 *
 * Returns: (transfer full): where the tenant's last known state is kept
 */
GFile *
pv_cache_file_for (const char *tenant)
{
  g_autofree char *name = g_strconcat (tenant, ".json", NULL);
  g_autofree char *path = g_build_filename (g_get_user_cache_dir (), "provisio", "tenants", name, NULL);

  return g_file_new_for_path (path);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!pv_file_write_private_finish (result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * pv_cache_save_async:
 * @state: what the tenant answered, such as {"provisioning": …, "reminders": …}
 *
 * Keeps @state with the time it was fetched, replacing the file atomically.
 */
void
pv_cache_save_async (const char          *tenant,
                     JsonObject          *state,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(JsonObject) wrapper = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GFile) file = pv_cache_file_for (tenant);
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *now = pv_time_format (g_get_real_time () / G_USEC_PER_SEC);
  char *text;

  g_task_set_source_tag (task, pv_cache_save_async);
  json_object_set_string_member (wrapper, "fetched_at", now);
  json_object_set_object_member (wrapper, "state", json_object_ref (state));
  node = json_node_init_object (json_node_alloc (), wrapper);
  text = json_to_string (node, FALSE);
  bytes = g_bytes_new_take (text, strlen (text));
  pv_file_write_private_async (file, bytes, cancellable, saved_cb, task);
}

gboolean
pv_cache_save_finish (GAsyncResult  *result,
                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_cache_save_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pv_cache_read:
 * @out_fetched_at: (out): when the state was fetched, seconds since the epoch
 *
 * Reads and parses a tenant's last known state, blocking: for a worker
 * thread.  With hundreds of tenants, parsing their states on the main loop
 * is what stalled the window opening.
 *
 * Returns: (transfer full): the state as saved; %G_IO_ERROR_NOT_FOUND if
 *   none was kept, %G_IO_ERROR_INVALID_DATA if it is damaged
 */
JsonObject *
pv_cache_read (const char    *tenant,
               gint64        *out_fetched_at,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autoptr(GFile) file = pv_cache_file_for (tenant);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autofree char *contents = NULL;
  JsonObject *root, *state;
  gint64 fetched_at;
  gsize length;

  if (!g_file_load_contents (file, cancellable, &contents, &length, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("Nothing is known of this tenant yet"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!pv_json_precheck (contents, length) || !json_parser_load_from_data (parser, contents, length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      !json_object_has_member (root = json_node_get_object (json_parser_get_root (parser)), "state") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "state")) ||
      !json_object_has_member (root, "fetched_at") ||
      !pv_time_parse (json_object_get_string_member (root, "fetched_at"), &fetched_at))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The saved state of this tenant is damaged"));
      return NULL;
    }
  /* The parser goes before the state is handed over: json-glib's
   * reference counts are not atomic. */
  state = json_object_ref (json_object_get_object_member (root, "state"));
  g_clear_object (&parser);
  if (out_fetched_at != NULL)
    *out_fetched_at = fetched_at;
  return state;
}

/**
 * pv_cache_forget_async:
 *
 * Deletes what is kept of a tenant, when it is removed.
 */
void
pv_cache_forget_async (const char          *tenant,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GFile) file = pv_cache_file_for (tenant);

  g_file_delete_async (file, G_PRIORITY_DEFAULT, cancellable, callback, user_data);
}

/**
 * pv_cache_forget_finish:
 *
 * Returns: %TRUE, also when nothing was kept
 */
gboolean
pv_cache_forget_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GObject) file = g_async_result_get_source_object (result);

  if (g_file_delete_finish (G_FILE (file), result, &local_error) ||
      g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}
