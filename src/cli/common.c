/* common.c: what provisioctl's commands share: waiting for a result, the
 * tenants and apps files, the keyring, secrets from the terminal, errors
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisioctl-common"

#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "pv-credentials.h"
#include "common.h"

gboolean opt_json;

const GOptionEntry json_entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON for scripts"), NULL },
  { NULL }
};

/* Waiting for one asynchronous result in this command's own main loop. */
void
got_result_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

GPtrArray *
load_profiles (GFile   *file,
               GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pv_profiles_load_async (file, NULL, got_result_cb, &result);
  return pv_profiles_load_finish (wait_for (&result), error);
}

gboolean
save_profiles (GFile      *file,
               GPtrArray  *profiles,
               GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pv_profiles_save_async (file, profiles, NULL, got_result_cb, &result);
  return pv_profiles_save_finish (wait_for (&result), error);
}

/* A token from the terminal, not echoed, or from standard input, as pasted:
 * a JWT is longer than an admin key, so the whole line is read. */
char *
read_token (const char *prompt)
{
  struct termios saved, quiet;
  gboolean tty = isatty (STDIN_FILENO);
  char *line = NULL;
  size_t size = 0;
  ssize_t length;
  char *copy;

  if (tty)
    {
      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~ECHO;
      tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
    }
  length = getline (&line, &size, stdin);
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved);
      g_printerr ("\n");
    }
  copy = length > 0 ? g_strndup (line, length) : g_strdup ("");
  if (line != NULL)
    explicit_bzero (line, size);
  free (line);
  return copy;
}

/* The key from the terminal, not echoed, or from standard input; never
 * from the command line, where other users' `ps` would see it. */
char *
read_secret (const char *prompt)
{
  return g_strstrip (read_token (prompt));
}
JsonObject *
call (PvClient    *client,
      const char  *method,
      const char  *path,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pv_client_request_async (client, method, path, NULL, NULL, got_result_cb, &result);
  return pv_client_request_finish (client, wait_for (&result), error);
}

PvProfile *
find_profile (GPtrArray  *profiles,
              const char *id,
              guint      *index)
{
  for (guint i = 0; i < profiles->len; i++)
    {
      PvProfile *p = g_ptr_array_index (profiles, i);

      if (g_str_equal (p->id, id))
        {
          if (index)
            *index = i;
          return p;
        }
    }
  return NULL;
}

/* A client for one tenant, its key from the keyring. */
PvClient *
client_for (GFile       *file,
            const char  *id,
            GError     **error)
{
  g_autoptr(GPtrArray) profiles = load_profiles (file, error);
  g_autoptr(GAsyncResult) found = NULL;
  PvProfile *profile;
  char *key;
  PvClient *client;

  if (profiles == NULL)
    return NULL;
  profile = find_profile (profiles, id, NULL);
  if (profile == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("No tenant “%s”; see provisioctl tenant list"), id);
      return NULL;
    }
  pv_credentials_lookup_async (id, PV_CREDENTIAL_ADMIN_KEY, NULL, got_result_cb, &found);
  key = pv_credentials_lookup_finish (wait_for (&found), error);
  if (key == NULL)
    return NULL;
  client = pv_profile_new_client (profile, key);
  secret_password_free (key);
  return client;
}

gboolean
kind_is_valid (const char *kind)
{
  if (g_strcmp0 (kind, "users") == 0 || g_strcmp0 (kind, "persons") == 0)
    return TRUE;
  g_printerr (_("provisioctl: the connection is “users” or “persons”, not “%s”\n"), kind);
  return FALSE;
}

/* apps.ini lives next to tenants.ini. */
GFile *
apps_file (GFile *tenants_file)
{
  g_autoptr(GFile) dir = g_file_get_parent (tenants_file);

  return g_file_get_child (dir, "apps.ini");
}

GPtrArray *
load_apps (GFile   *tenants_file,
           GError **error)
{
  g_autoptr(GFile) file = apps_file (tenants_file);
  g_autoptr(GAsyncResult) result = NULL;

  pv_tracked_apps_load_async (file, NULL, got_result_cb, &result);
  return pv_tracked_apps_load_finish (wait_for (&result), error);
}

gboolean
save_apps (GFile      *tenants_file,
           GPtrArray  *apps,
           GError    **error)
{
  g_autoptr(GFile) file = apps_file (tenants_file);
  g_autoptr(GAsyncResult) result = NULL;

  pv_tracked_apps_save_async (file, apps, NULL, got_result_cb, &result);
  return pv_tracked_apps_save_finish (wait_for (&result), error);
}
PvTrackedApp *
find_app (GPtrArray  *apps,
          const char *id,
          guint      *index)
{
  for (guint i = 0; i < apps->len; i++)
    {
      PvTrackedApp *app = g_ptr_array_index (apps, i);

      if (g_str_equal (app->id, id))
        {
          if (index != NULL)
            *index = i;
          return app;
        }
    }
  return NULL;
}

/* For entra link and the like: a tracked app as a tenant, or NULL */
PvTenantInfo *
tracked_app_info (GFile      *file,
                  const char *id)
{
  g_autoptr(GPtrArray) apps = load_apps (file, NULL);
  PvTrackedApp *app = apps ? find_app (apps, id, NULL) : NULL;

  return app ? pv_tracked_app_new_info (app, NULL, g_get_real_time () / G_USEC_PER_SEC) : NULL;
}

/* Says what went wrong; the exit status of a command that failed. */
int
fail (GError *error)
{
  g_printerr ("provisioctl: %s\n", error->message);
  return 1;
}
