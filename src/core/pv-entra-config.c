/* pv-entra-config.c: where Provisio signs in to Microsoft, and which Entra app provisions which connection (entra.ini)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-entra-config"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "pv-entra.h"
#include "pv-entra-private.h"
#include "pv-files.h"
#include "pv-graph-private.h"
#include "pv-profiles.h"
#include "pv-time.h"

/* -- configuration ------------------------------------------------------ */

static void
link_free (PvEntraLink *link)
{
  g_free (link->service_principal_id);
  g_free (link->job_id);
  g_free (link->display_name);
  g_free (link);
}

PvEntraConfig *
pv_entra_config_new (void)
{
  PvEntraConfig *config = g_new0 (PvEntraConfig, 1);

  config->cloud = g_strdup ("global");
  config->links = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) link_free);
  return config;
}

void
pv_entra_config_free (PvEntraConfig *config)
{
  if (config == NULL)
    return;
  g_free (config->cloud);
  g_free (config->login_url);
  g_free (config->graph_url);
  g_free (config->directory);
  g_free (config->client_id);
  g_hash_table_unref (config->links);
  g_free (config);
}

GFile *
pv_entra_config_default_file (void)
{
  g_autofree char *path = g_build_filename (g_get_user_config_dir (), "provisio", "entra.ini", NULL);

  return g_file_new_for_path (path);
}

const PvEntraLink *
pv_entra_config_get_link (PvEntraConfig *config,
                          const char    *tenant,
                          const char    *kind)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", tenant, kind);

  return g_hash_table_lookup (config->links, key);
}

/**
 * pv_entra_config_set_link:
 * @service_principal_id: (nullable): %NULL removes the link
 */
void
pv_entra_config_set_link (PvEntraConfig *config,
                          const char    *tenant,
                          const char    *kind,
                          const char    *service_principal_id,
                          const char    *job_id,
                          const char    *display_name)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", tenant, kind);
  PvEntraLink *link;

  if (service_principal_id == NULL)
    {
      g_hash_table_remove (config->links, key);
      return;
    }
  link = g_new0 (PvEntraLink, 1);
  link->service_principal_id = g_strdup (service_principal_id);
  link->job_id = g_strdup (job_id);
  link->display_name = g_strdup (display_name);
  g_hash_table_replace (config->links, g_steal_pointer (&key), link);
}

static char *
key_string (GKeyFile   *file,
            const char *group,
            const char *key)
{
  g_autofree char *value = g_key_file_get_string (file, group, key, NULL);

  if (value == NULL || *g_strstrip (value) == '\0')
    return NULL;
  return g_steal_pointer (&value);
}

/**
 * pv_entra_config_load:
 *
 * Reads @file; a missing file is the default configuration.
 */
PvEntraConfig *
pv_entra_config_load (GFile   *file,
                      GError **error)
{
  g_autoptr(PvEntraConfig) config = pv_entra_config_new ();
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GError) local = NULL;
  g_autofree char *path = g_file_get_path (file);
  g_auto(GStrv) groups = NULL;
  char *value;

  if (!g_key_file_load_from_file (keys, path, G_KEY_FILE_NONE, &local))
    {
      if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return g_steal_pointer (&config);
      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                   _("Could not read %s: %s"), path, local->message);
      return NULL;
    }
  if ((value = key_string (keys, "entra", "cloud")) != NULL)
    {
      g_free (config->cloud);
      config->cloud = value;
    }
  config->login_url = key_string (keys, "entra", "login-url");
  config->graph_url = key_string (keys, "entra", "graph-url");
  config->directory = key_string (keys, "entra", "directory");
  config->client_id = key_string (keys, "entra", "client-id");

  groups = g_key_file_get_groups (keys, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit (groups[i], " ", 0);
      g_autofree char *sp = NULL;
      g_autofree char *job = NULL;
      g_autofree char *name = NULL;

      if (g_strv_length (words) != 3 || strcmp (words[0], "link") != 0)
        continue;
      sp = key_string (keys, groups[i], "service-principal");
      job = key_string (keys, groups[i], "job");
      name = key_string (keys, groups[i], "app");
      if (pv_entra_valid_id (sp) && pv_entra_valid_id (job))
        {
          g_autofree char *key = g_strdup_printf ("%s/%s", words[1], words[2]);
          g_autofree char *removed = key_string (keys, groups[i], "removed");
          PvEntraLink *link;

          pv_entra_config_set_link (config, words[1], words[2], sp, job, name);
          link = g_hash_table_lookup (config->links, key);
          link->imported = g_key_file_get_boolean (keys, groups[i], "imported", NULL);
          if (removed != NULL && !pv_time_parse (removed, &link->removed_at))
            link->removed_at = 0;
        }
    }
  return g_steal_pointer (&config);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  GError *error = NULL;
  PvEntraConfig *config = pv_entra_config_load (task_data, &error);

  if (config == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, config, (GDestroyNotify) pv_entra_config_free);
}

void
pv_entra_config_load_async (GFile               *file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, pv_entra_config_load_async);

  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

PvEntraConfig *
pv_entra_config_load_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_entra_config_load_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!pv_file_write_private_finish (result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
set_optional (GKeyFile   *keys,
              const char *group,
              const char *key,
              const char *value)
{
  if (value != NULL)
    g_key_file_set_string (keys, group, key, value);
}

void
pv_entra_config_save_async (PvEntraConfig       *config,
                            GFile               *file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(GList) sorted = NULL;
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GBytes) bytes = NULL;
  gsize length;
  char *data;

  g_task_set_source_tag (task, pv_entra_config_save_async);
  set_optional (keys, "entra", "cloud", config->cloud);
  set_optional (keys, "entra", "login-url", config->login_url);
  set_optional (keys, "entra", "graph-url", config->graph_url);
  set_optional (keys, "entra", "directory", config->directory);
  set_optional (keys, "entra", "client-id", config->client_id);
  sorted = g_list_sort (g_hash_table_get_keys (config->links), (GCompareFunc) strcmp);
  for (GList *l = sorted; l != NULL; l = l->next)
    {
      const PvEntraLink *link = g_hash_table_lookup (config->links, l->data);
      g_autofree char *tenant_kind = g_strdup (l->data);
      char *slash = strrchr (tenant_kind, '/');
      g_autofree char *group = NULL;

      *slash = '\0';
      group = g_strdup_printf ("link %s %s", tenant_kind, slash + 1);
      g_key_file_set_string (keys, group, "service-principal", link->service_principal_id);
      set_optional (keys, group, "job", link->job_id);
      set_optional (keys, group, "app", link->display_name);
      if (link->imported)
        g_key_file_set_boolean (keys, group, "imported", TRUE);
      if (link->removed_at != 0)
        {
          g_autofree char *removed = pv_time_format (link->removed_at);

          g_key_file_set_string (keys, group, "removed", removed);
        }
    }
  data = g_key_file_to_data (keys, &length, NULL);
  bytes = g_bytes_new_take (data, length);
  pv_file_write_private_async (file, bytes, cancellable, saved_cb, task);
}

gboolean
pv_entra_config_save_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_entra_config_save_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Microsoft's hosts over HTTPS; plain HTTP only on this machine (a local
 * stand-in for tests). */
static gboolean
acceptable_url (const char *url)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *host;

  if (uri == NULL || (host = g_uri_get_host (uri)) == NULL)
    return FALSE;
  if (g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0)
    return TRUE;
  return g_ascii_strcasecmp (g_uri_get_scheme (uri), "http") == 0 &&
         (strcmp (host, "127.0.0.1") == 0 || strcmp (host, "::1") == 0 || strcmp (host, "localhost") == 0);
}

/**
 * pv_entra_config_new_graph:
 *
 * Returns: (transfer full) (nullable): a #PvGraph for the configured cloud
 */
PvGraph *
pv_entra_config_new_graph (PvEntraConfig  *config,
                           GError        **error)
{
  const PvGraphCloud *cloud = pv_graph_cloud_lookup (config->cloud);
  const char *login = cloud != NULL ? cloud->login_url : config->login_url;
  const char *graph = cloud != NULL ? cloud->graph_url : config->graph_url;

  if (cloud == NULL && g_strcmp0 (config->cloud, "custom") != 0)
    {
      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                   _("“%s” is not a Microsoft cloud; use global, usgov, usgov-dod, china or custom"),
                   config->cloud);
      return NULL;
    }
  if (!acceptable_url (login) || !acceptable_url (graph))
    {
      g_set_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST,
                   _("A custom cloud needs HTTPS addresses for both sign-in and Graph"));
      return NULL;
    }
  return pv_graph_new (login, graph, config->directory, config->client_id);
}
