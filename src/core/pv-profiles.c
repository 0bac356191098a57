/* pv-profiles.c: the tenants Provisio watches, in a key file without secrets
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-profiles"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pv-files.h"
#include "pv-profiles.h"
#include "pv-tls.h"

/* $XDG_CONFIG_HOME/provisio/tenants.ini:
 *
 *   [tenant contoso]
 *   url=https://contoso.example.com
 *   pinned-sha256=AB:CD:…             (optional: the one certificate trusted)
 *   allow-insecure-http=true          (optional: plain http:// beyond loopback)
 */

void
pv_profile_free (PvProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->id);
  g_free (profile->base_url);
  g_free (profile->pinned_certificate);
  g_free (profile);
}

/**
 * pv_profile_copy:
 *
 * Returns: (transfer full): a copy of @profile
 */
PvProfile *
pv_profile_copy (const PvProfile *profile)
{
  PvProfile *copy = g_new0 (PvProfile, 1);

  copy->id = g_strdup (profile->id);
  copy->base_url = g_strdup (profile->base_url);
  copy->pinned_certificate = g_strdup (profile->pinned_certificate);
  copy->allow_insecure_http = profile->allow_insecure_http;
  return copy;
}

/**
 * pv_profile_new_client:
 * @api_key: (nullable): the tenant's admin API key
 *
 * Returns: (transfer full): a client for the tenant of @profile, trusting
 *   its pinned certificate if it has one
 */
PvClient *
pv_profile_new_client (const PvProfile *profile,
                       const char      *api_key)
{
  PvClient *client = pv_client_new (profile->base_url, api_key);

  if (profile->pinned_certificate != NULL)
    pv_client_set_pinned_certificate (client, profile->pinned_certificate);
  pv_client_set_allow_insecure_http (client, profile->allow_insecure_http);
  return client;
}

/**
 * pv_profile_id_is_valid:
 *
 * Returns: whether @id is 1 to 40 letters, digits, dashes and underscores
 */
gboolean
pv_profile_id_is_valid (const char *id)
{
  gsize length = id ? strlen (id) : 0;

  if (length == 0 || length > 40)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isalnum (id[i]) && id[i] != '-' && id[i] != '_')
      return FALSE;
  return TRUE;
}

/**
 * pv_profiles_default_file:
 *
 * Returns: (transfer full): the user's tenants.ini
 */
GFile *
pv_profiles_default_file (void)
{
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "provisio", "tenants.ini", NULL);

  return g_file_new_for_path (path);
}

/**
 * pv_profiles_parse:
 * @path: the file @data was read from, for the error
 *
 * Reads tenants.ini's contents, in any thread.
 *
 * Returns: (transfer full) (element-type PvProfile): the profiles, in file order
 */
GPtrArray *
pv_profiles_parse (const char  *data,
                   gsize        length,
                   const char  *path,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GPtrArray) profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_profile_free);
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_data (keyfile, data, length, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The tenant list %s is damaged: %s"), path, local_error->message);
      return NULL;
    }

  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_autofree char *url = g_key_file_get_string (keyfile, groups[i], "url", NULL);
      g_autofree char *pin = g_key_file_get_string (keyfile, groups[i], "pinned-sha256", NULL);
      g_autofree char *fingerprint = NULL;
      PvProfile *profile;

      if (!g_str_has_prefix (groups[i], "tenant ") || url == NULL ||
          !pv_profile_id_is_valid (groups[i] + 7))
        continue;
      /* A pin that cannot be read must not fall back to trusting more. */
      if (pin != NULL && (fingerprint = pv_tls_fingerprint_normalize (pin)) == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The tenant list %s is damaged: the pinned-sha256 of %s is not a "
                         "SHA-256 fingerprint"),
                       path, groups[i] + 7);
          return NULL;
        }
      profile = g_new0 (PvProfile, 1);
      profile->id = g_strdup (groups[i] + 7);
      profile->base_url = g_steal_pointer (&url);
      profile->pinned_certificate = g_steal_pointer (&fingerprint);
      profile->allow_insecure_http = g_key_file_get_boolean (keyfile, groups[i], "allow-insecure-http", NULL);
      g_ptr_array_add (profiles, profile);
    }
  return g_steal_pointer (&profiles);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *profiles;
  g_autofree char *contents = NULL;
  gsize length;

  if (!pv_file_load_list_finish (G_FILE (source), result, &contents, &length, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  profiles = pv_profiles_parse (contents, length, g_file_peek_path (G_FILE (source)), &error);
  if (profiles == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, profiles, (GDestroyNotify) g_ptr_array_unref);
}

void
pv_profiles_load_async (GFile               *file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (file, cancellable, callback, user_data);

  g_task_set_source_tag (task, pv_profiles_load_async);
  g_file_load_contents_async (file, cancellable, loaded_cb, task);
}

/**
 * pv_profiles_load_finish:
 *
 * Returns: (transfer full) (element-type PvProfile): the profiles, in file order
 */
GPtrArray *
pv_profiles_load_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_profiles_load_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
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

void
pv_profiles_save_async (GFile               *file,
                        GPtrArray           *profiles,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GTask *task = g_task_new (file, cancellable, callback, user_data);
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GBytes) bytes = NULL;
  gsize length;
  char *data;

  g_task_set_source_tag (task, pv_profiles_save_async);
  for (guint i = 0; i < profiles->len; i++)
    {
      PvProfile *profile = g_ptr_array_index (profiles, i);
      g_autofree char *group = g_strconcat ("tenant ", profile->id, NULL);

      g_key_file_set_string (keyfile, group, "url", profile->base_url);
      if (profile->pinned_certificate != NULL)
        g_key_file_set_string (keyfile, group, "pinned-sha256", profile->pinned_certificate);
      if (profile->allow_insecure_http)
        g_key_file_set_boolean (keyfile, group, "allow-insecure-http", TRUE);
    }
  data = g_key_file_to_data (keyfile, &length, NULL);
  bytes = g_bytes_new_take (data, length);
  pv_file_write_private_async (file, bytes, cancellable, saved_cb, task);
}

gboolean
pv_profiles_save_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_profiles_save_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
