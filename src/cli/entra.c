/* entra.c: provisioctl entra …: the Microsoft sign-in, the tenant's Entra
 * apps, their provisioning health, and handing them a renewed token
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisioctl-entra"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "pv-dates.h"
#include "pv-entra.h"
#include "pv-files.h"
#include "pv-entra-session.h"
#include "pv-entra-import.h"
#include "pv-guide.h"
#include "pv-overview.h"
#include "pv-profiles.h"
#include "pv-renewal.h"
#include "pv-tenant-info.h"
#include "pv-time.h"
#include "common.h"
#include "entra.h"

static char *opt_cloud;
static char *opt_login_url;
static char *opt_graph_url;
static char *opt_directory;
static char *opt_client_id;
static char *opt_app;
static gboolean opt_yes;

const GOptionEntry entra_sign_in_entries[] = {
  { "cloud", 0, 0, G_OPTION_ARG_STRING, &opt_cloud,
    N_("Microsoft's cloud: global (default), usgov, usgov-dod, china or custom"), N_("CLOUD") },
  { "login-url", 0, 0, G_OPTION_ARG_STRING, &opt_login_url,
    N_("With --cloud custom: the sign-in host"), N_("URL") },
  { "graph-url", 0, 0, G_OPTION_ARG_STRING, &opt_graph_url,
    N_("With --cloud custom: the Microsoft Graph host"), N_("URL") },
  { "directory", 0, 0, G_OPTION_ARG_STRING, &opt_directory,
    N_("The Entra tenant: its id or a domain such as contoso.onmicrosoft.com"), N_("TENANT") },
  { "client-id", 0, 0, G_OPTION_ARG_STRING, &opt_client_id,
    N_("The public client to sign in as (default: Microsoft Graph Command Line Tools)"), N_("ID") },
  { NULL }
};

const GOptionEntry entra_link_entries[] = {
  { "app", 0, 0, G_OPTION_ARG_STRING, &opt_app,
    N_("The Entra app's service principal id, when the URL does not tell"), N_("ID") },
  { "yes", 'y', 0, G_OPTION_ARG_NONE, &opt_yes, N_("Link without asking"), NULL },
  { NULL }
};

static PvEntraConfig *
load_config (GFile   **out_file,
             GError  **error)
{
  g_autoptr(GFile) file = pv_entra_config_default_file ();
  g_autoptr(GAsyncResult) result = NULL;

  pv_entra_config_load_async (file, NULL, got_result_cb, &result);
  if (out_file != NULL)
    *out_file = g_object_ref (file);
  return pv_entra_config_load_finish (wait_for (&result), error);
}

static gboolean
save_config (PvEntraConfig  *config,
             GFile          *file,
             GError        **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pv_entra_config_save_async (config, file, NULL, got_result_cb, &result);
  return pv_entra_config_save_finish (wait_for (&result), error);
}

static void
waiting_cb (PvGraph *graph,
            guint    seconds,
            gpointer user_data)
{
  g_autofree char *text = pv_graph_describe_wait (seconds);

  g_printerr ("%s\n", text);
}

/* The signed-in Graph of the configuration, or an error saying to sign in. */
static PvGraph *
signed_in_graph (PvEntraConfig  *config,
                 GError        **error)
{
  g_autoptr(PvGraph) graph = pv_entra_config_new_graph (config, error);
  g_autoptr(GAsyncResult) result = NULL;

  if (graph == NULL)
    return NULL;
  g_signal_connect (graph, "waiting", G_CALLBACK (waiting_cb), NULL);
  pv_graph_restore_async (graph, NULL, got_result_cb, &result);
  if (!pv_graph_restore_finish (graph, wait_for (&result), error))
    {
      if (g_error_matches (*error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_SIGNED_IN))
        g_prefix_error (error, "%s ", _("Run provisioctl entra sign-in first:"));
      return NULL;
    }
  return g_steal_pointer (&graph);
}

/* -- sign-in ------------------------------------------------------------ */

static void
device_code_cb (PvGraph      *graph,
                PvDeviceCode *code,
                gpointer      user_data)
{
  /* Translators: a URL, the code to enter, then minutes */
  g_printerr (_("To sign in, open %s in any browser and enter the code %s (valid for %d minutes).\n"),
              code->verification_uri, code->user_code, MAX (code->expires_in / 60, 1));
  g_printerr ("%s\n", _("Waiting for the sign-in…"));
}

static void
set_from_option (char       **setting,
                 const char  *option)
{
  if (option == NULL)
    return;
  g_free (*setting);
  *setting = g_strdup (option);
}

int
entra_sign_in (GFile  *file,
               char  **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) config_file = NULL;
  g_autoptr(PvEntraConfig) config = load_config (&config_file, &error);
  g_autoptr(PvGraph) graph = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *note = NULL;

  if (config == NULL)
    return fail (error);
  /* What the options say replaces what entra.ini says. */
  set_from_option (&config->cloud, opt_cloud);
  set_from_option (&config->login_url, opt_login_url);
  set_from_option (&config->graph_url, opt_graph_url);
  set_from_option (&config->directory, opt_directory);
  set_from_option (&config->client_id, opt_client_id);
  graph = pv_entra_config_new_graph (config, &error);
  if (graph == NULL)
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 2;
    }
  g_signal_connect (graph, "device-code", G_CALLBACK (device_code_cb), NULL);
  pv_graph_sign_in_async (graph, NULL, got_result_cb, &result);
  if (!pv_graph_sign_in_finish (graph, wait_for (&result), &error))
    return fail (error);
  if (!save_config (config, config_file, &error))
    return fail (error);
  /* Translators: an account such as admin@contoso.com, then an Entra tenant */
  g_print (_("Signed in to Microsoft Entra as %s (directory %s); the sign-in is kept in the keyring.\n"),
           pv_graph_get_account (graph) ? pv_graph_get_account (graph) : _("an unknown account"),
           pv_graph_get_directory (graph));
  note = pv_entra_cloud_note (graph);
  if (note != NULL)
    g_print (_("Note: %s.\n"), note);
  return 0;
}

int
entra_sign_out (GFile  *file,
                char  **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvEntraConfig) config = load_config (NULL, &error);
  g_autoptr(PvGraph) graph = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  if (config == NULL || (graph = pv_entra_config_new_graph (config, &error)) == NULL)
    return fail (error);
  pv_graph_sign_out_async (graph, NULL, got_result_cb, &result);
  if (!pv_graph_sign_out_finish (graph, wait_for (&result), &error))
    return fail (error);
  g_print ("%s\n", _("Signed out of Microsoft Entra; the keyring no longer holds the sign-in."));
  return 0;
}

/* -- discovery ---------------------------------------------------------- */

static void
progress_cb (guint    done,
             guint    total,
             gpointer user_data)
{
  if (done == 0 || done == total || done % 25 == 0)
    /* Translators: how many Entra enterprise apps were looked at, of how many */
    g_printerr (_("Looking at enterprise apps: %u of %u\n"), done, total);
}

static GPtrArray *
discover (PvGraph  *graph,
          GError  **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  g_autoptr(GPtrArray) skipped = NULL;
  GPtrArray *apps;

  pv_entra_discover_async (graph, progress_cb, NULL, NULL, got_result_cb, &result);
  apps = pv_entra_discover_finish (wait_for (&result), &skipped, error);
  /* On standard error, so that --json stays a list of apps. */
  if (skipped != NULL && skipped->len > 0)
    g_printerr (g_dngettext (GETTEXT_PACKAGE,
                             "Skipped %u enterprise app whose provisioning Microsoft Graph did not show:\n",
                             "Skipped %u enterprise apps whose provisioning Microsoft Graph did not show:\n",
                             skipped->len), skipped->len);
  for (guint i = 0; skipped != NULL && i < skipped->len; i++)
    {
      PvEntraApp *app = g_ptr_array_index (skipped, i);

      /* Translators: an Entra app's name, then why it was skipped */
      g_printerr (_("  %s: %s\n"), app->display_name, app->problem);
    }
  return apps;
}

static PvTenantInfo *
tenant_info (GFile       *file,
             const char  *id,
             gint64      *now,
             GError     **error)
{
  g_autoptr(PvClient) client = NULL;
  g_autoptr(PvTenantInfo) info = tracked_app_info (file, id);
  g_autoptr(GAsyncResult) result = NULL;
  PvProfile profile = { (char *) id, NULL };

  /* A tracked app links to its Entra app as a tenant's connection does. */
  if (info != NULL)
    {
      if (now != NULL)
        *now = g_get_real_time () / G_USEC_PER_SEC;
      return g_steal_pointer (&info);
    }
  if ((client = client_for (file, id, error)) == NULL)
    return NULL;
  profile.base_url = (char *) pv_client_get_base_url (client);
  info = pv_tenant_info_new (&profile);
  pv_tenant_info_refresh_async (info, client, NULL, got_result_cb, &result);
  if (!pv_tenant_info_refresh_finish (info, wait_for (&result), error))
    return NULL;
  if (now != NULL)
    *now = pv_client_get_now (client);
  return g_steal_pointer (&info);
}

/* Each tenant's connections, for matching apps by their SCIM base URL;
 * tenants out of reach are said and left out. */
static GPtrArray *
all_tenants (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = load_profiles (file, &error);
  GPtrArray *infos = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; profiles != NULL && i < profiles->len; i++)
    {
      PvProfile *profile = g_ptr_array_index (profiles, i);
      g_autoptr(GError) local = NULL;
      PvTenantInfo *info = tenant_info (file, profile->id, NULL, &local);

      if (info == NULL)
        g_printerr (_("provisioctl: %s left out: %s\n"), profile->id, local->message);
      else
        g_ptr_array_add (infos, info);
    }
  return infos;
}

static void
print_json (JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = json_to_string (root, TRUE);

  g_print ("%s\n", text);
}

int
entra_apps (GFile  *file,
            char  **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvEntraConfig) config = load_config (NULL, &error);
  g_autoptr(PvGraph) graph = NULL;
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(GPtrArray) tenants = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (config == NULL || (graph = signed_in_graph (config, &error)) == NULL ||
      (apps = discover (graph, &error)) == NULL)
    return fail (error);
  tenants = all_tenants (file);

  json_builder_begin_array (b);
  if (apps->len == 0 && !opt_json)
    g_print ("%s\n", _("No enterprise app of this directory has a provisioning job."));
  for (guint i = 0; i < apps->len; i++)
    {
      PvEntraApp *app = g_ptr_array_index (apps, i);
      g_autofree char *state = pv_entra_job_describe (app->job, now);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "service_principal_id");
      json_builder_add_string_value (b, app->service_principal_id);
      json_builder_set_member_name (b, "display_name");
      json_builder_add_string_value (b, app->display_name);
      json_builder_set_member_name (b, "job_id");
      json_builder_add_string_value (b, app->job->id);
      json_builder_set_member_name (b, "status");
      json_builder_add_string_value (b, app->job->status);
      json_builder_set_member_name (b, "base_address");
      if (app->base_address != NULL)
        json_builder_add_string_value (b, app->base_address);
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "connections");
      json_builder_begin_array (b);

      if (!opt_json)
        {
          g_print ("%s\n", app->display_name);
          /* Translators: a service principal id and a job id */
          g_print ("  %s\n", state);
          g_print ("  %s %s · %s %s\n", _("app"), app->service_principal_id, _("job"), app->job->id);
          g_print ("  %s\n", app->base_address != NULL ? app->base_address : _("(Graph did not tell its tenant URL)"));
        }
      for (guint t = 0; t < tenants->len; t++)
        {
          PvTenantInfo *info = g_ptr_array_index (tenants, t);
          const char *kinds[] = { "users", "persons" };

          for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
            {
              PvConnectionInfo *connection = pv_tenant_info_get_connection (info, kinds[k]);
              const PvEntraLink *link = pv_entra_config_get_link (config, pv_tenant_info_get_id (info), kinds[k]);
              gboolean linked = link != NULL && g_strcmp0 (link->service_principal_id, app->service_principal_id) == 0;

              if (connection == NULL ||
                  !(linked || pv_entra_urls_match (app->base_address, pv_connection_info_get_scim_base_url (connection))))
                continue;
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "tenant");
              json_builder_add_string_value (b, pv_tenant_info_get_id (info));
              json_builder_set_member_name (b, "kind");
              json_builder_add_string_value (b, kinds[k]);
              json_builder_set_member_name (b, "linked");
              json_builder_add_boolean_value (b, linked);
              json_builder_end_object (b);
              if (!opt_json)
                /* Translators: a tenant's id and "users" or "persons" */
                g_print ("  → %s %s%s\n", pv_tenant_info_get_id (info), kinds[k],
                         linked ? _(" (linked)") : _(" (same URL; link it with provisioctl entra link)"));
            }
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  if (opt_json)
    print_json (b);
  return 0;
}

/* The whole directory, read once: the apps with a job, those skipped, and
 * the SAML apps, whose certificates are kept for remind and calendar (and
 * the app) until the next read. */
static PvEntraEstate *
read_estate (PvGraph  *graph,
             GError  **error)
{
  g_autoptr(PvEntraEstate) estate = pv_entra_estate_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) written = NULL;
  g_autoptr(GPtrArray) saml = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GFile) state = pv_entra_saml_state_file ();
  g_autoptr(GError) local = NULL;

  pv_entra_estate_refresh_async (estate, graph, progress_cb, NULL, NULL, got_result_cb, &result);
  if (!pv_entra_estate_refresh_finish (estate, wait_for (&result), error))
    return NULL;
  saml = pv_entra_estate_get_saml_apps (estate);
  bytes = pv_entra_saml_apps_to_bytes (saml);
  pv_file_write_private_async (state, bytes, NULL, got_result_cb, &written);
  if (!pv_file_write_private_finish (wait_for (&written), &local))
    g_printerr (_("provisioctl: could not keep the SAML certificates for reminders: %s\n"), local->message);
  return g_steal_pointer (&estate);
}

/**
 * entra_saml_certificates:
 *
 * Returns: (transfer full) (element-type PvTenantInfo): the SAML apps'
 *   certificates the last import (provisioctl's or the app's) found, each
 *   as a tenant's SSO certificate, for remind and calendar
 */
GPtrArray *
entra_saml_certificates (void)
{
  g_autoptr(GFile) state = pv_entra_saml_state_file ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) apps = NULL;
  g_autofree char *data = NULL;
  gsize length;

  if (!g_file_load_contents (state, NULL, &data, &length, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_printerr (_("provisioctl: SAML certificates left out: %s\n"), error->message);
      return g_ptr_array_new_with_free_func (g_object_unref);
    }
  if ((apps = pv_entra_saml_apps_from_data (data, length, &error)) == NULL)
    {
      g_printerr (_("provisioctl: SAML certificates left out: %s\n"), error->message);
      return g_ptr_array_new_with_free_func (g_object_unref);
    }
  return pv_entra_saml_apps_new_infos (apps);
}

int
entra_import (GFile  *file,
              char  **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) config_file = NULL;
  g_autoptr(PvEntraConfig) config = load_config (&config_file, &error);
  g_autoptr(PvGraph) graph = NULL;
  g_autoptr(PvEntraEstate) estate = NULL;
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(GPtrArray) skipped = NULL;
  g_autoptr(GPtrArray) tracked = NULL;
  g_autoptr(GPtrArray) tenants = NULL;
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);
  PvEntraImport done;

  if (config == NULL || (tracked = load_apps (file, &error)) == NULL ||
      (graph = signed_in_graph (config, &error)) == NULL || (estate = read_estate (graph, &error)) == NULL)
    return fail (error);
  apps = pv_entra_estate_get_apps (estate);
  skipped = pv_entra_estate_get_skipped (estate);
  /* A skipped app is still there: not removed. */
  for (guint i = 0; i < skipped->len; i++)
    g_ptr_array_add (apps, g_steal_pointer (&g_ptr_array_index (skipped, i)));
  tenants = all_tenants (file);
  for (guint t = 0; t < tenants->len; t++)
    {
      GListModel *connections = pv_tenant_info_get_connections (g_ptr_array_index (tenants, t));

      for (guint c = 0; c < g_list_model_get_n_items (connections); c++)
        {
          g_autoptr(PvConnectionInfo) connection = g_list_model_get_item (connections, c);

          g_ptr_array_add (urls, g_strdup (pv_connection_info_get_scim_base_url (connection)));
        }
    }
  g_ptr_array_add (urls, NULL);
  pv_entra_import (config, tracked, apps, (const char * const *) urls->pdata, g_get_real_time () / G_USEC_PER_SEC,
                   &done);
  if (!save_apps (file, tracked, &error) || !save_config (config, config_file, &error))
    return fail (error);
  /* Translators: counts of Entra apps after Import from Entra */
  g_print (_("Imported from Entra: %u new, %u updated, %u removed from Entra (marked), %u of provisiod tenants "
             "left as they are.\n"), done.added, done.updated, done.removed, done.provisiod);
  if (done.without_url > 0)
    g_print (g_dngettext (GETTEXT_PACKAGE, "%u app left out: Graph did not tell its SCIM base URL.\n",
                          "%u apps left out: Graph did not tell their SCIM base URL.\n", done.without_url),
             done.without_url);
  if (done.added > 0)
    g_print ("%s\n", _("Their expiry is unknown: set it with provisioctl app renew when you next make a token."));
  return 0;
}

static gint
soonest_first (gconstpointer a,
               gconstpointer b)
{
  const PvEntraSamlApp *x = *(PvEntraSamlApp **) a;
  const PvEntraSamlApp *y = *(PvEntraSamlApp **) b;

  /* Unknown expiry last. */
  return (x->not_after == 0) - (y->not_after == 0) ?: (x->not_after > y->not_after) - (x->not_after < y->not_after);
}

int
entra_certificates (GFile  *file,
                    char  **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvEntraConfig) config = load_config (NULL, &error);
  g_autoptr(PvGraph) graph = NULL;
  g_autoptr(PvEntraEstate) estate = NULL;
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (config == NULL || (graph = signed_in_graph (config, &error)) == NULL ||
      (estate = read_estate (graph, &error)) == NULL)
    return fail (error);
  apps = pv_entra_estate_get_saml_apps (estate);
  g_ptr_array_sort (apps, soonest_first);
  if (apps->len == 0 && !opt_json)
    g_print ("%s\n", _("No enterprise app of this directory signs in with SAML."));
  json_builder_begin_array (b);
  for (guint i = 0; i < apps->len; i++)
    {
      PvEntraSamlApp *app = g_ptr_array_index (apps, i);
      g_autofree char *not_after = app->not_after ? pv_time_format (app->not_after) : NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "service_principal_id");
      json_builder_add_string_value (b, app->service_principal_id);
      json_builder_set_member_name (b, "display_name");
      json_builder_add_string_value (b, app->display_name);
      json_builder_set_member_name (b, "thumbprint");
      json_builder_add_string_value (b, app->thumbprint);
      json_builder_set_member_name (b, "not_after");
      if (not_after != NULL)
        json_builder_add_string_value (b, not_after);
      else
        json_builder_add_null_value (b);
      json_builder_end_object (b);
      if (!opt_json)
        {
          g_autofree char *left = app->not_after ? pv_format_days_left (app->not_after, now) : NULL;
          g_autofree char *date = app->not_after ? pv_format_date (app->not_after) : NULL;

          if (app->not_after != 0)
            /* Translators: an Entra app's name, "expires in 9 days", a date */
            g_print (_("%s: signing certificate %s (%s)\n"), app->display_name, left, date);
          else
            g_print (_("%s: no signing certificate matches its thumbprint\n"), app->display_name);
        }
    }
  json_builder_end_array (b);
  if (opt_json)
    print_json (b);
  return 0;
}

static gboolean
confirm (const char *question)
{
  char answer[16] = "";

  if (opt_yes)
    return TRUE;
  g_printerr ("%s [y/N] ", question);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;
  /* Translators: the letter for yes in [y/N] */
  return answer[0] == 'y' || answer[0] == 'Y' || g_str_has_prefix (answer, _("y"));
}

int
entra_link (GFile  *file,
            char  **args)
{
  const char *id = args[0];
  const char *kind = args[1];
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) config_file = NULL;
  g_autoptr(PvEntraConfig) config = NULL;
  g_autoptr(PvGraph) graph = NULL;
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(PvTenantInfo) info = NULL;
  g_autofree char *question = NULL;
  PvConnectionInfo *connection;
  PvEntraApp *app = NULL;
  const char *url;

  if (!kind_is_valid (kind))
    return 2;
  if ((config = load_config (&config_file, &error)) == NULL ||
      (info = tenant_info (file, id, NULL, &error)) == NULL ||
      (graph = signed_in_graph (config, &error)) == NULL ||
      (apps = discover (graph, &error)) == NULL)
    return fail (error);
  connection = pv_tenant_info_get_connection (info, kind);
  if (connection == NULL)
    {
      g_printerr (_("provisioctl: %s has no %s connection\n"), id, kind);
      return 1;
    }
  url = pv_connection_info_get_scim_base_url (connection);

  for (guint i = 0; i < apps->len && opt_app != NULL; i++)
    if (g_strcmp0 (((PvEntraApp *) g_ptr_array_index (apps, i))->service_principal_id, opt_app) == 0)
      app = g_ptr_array_index (apps, i);
  if (opt_app != NULL && app == NULL)
    {
      g_printerr (_("provisioctl: no enterprise app %s with a provisioning job; see provisioctl entra apps\n"), opt_app);
      return 1;
    }
  if (app == NULL)
    {
      gint match = pv_entra_match (apps, url);

      if (match < 0)
        {
          /* Translators: a tenant URL */
          g_printerr (_("provisioctl: no single Entra app uses %s; pick one with --app (see provisioctl entra apps)\n"),
                      url);
          return 1;
        }
      app = g_ptr_array_index (apps, match);
    }
  else if (!pv_entra_urls_match (app->base_address, url))
    g_printerr (_("Note: “%s” uses %s, not this connection's tenant URL %s.\n"), app->display_name,
                app->base_address ? app->base_address : _("an unknown URL"), url);

  /* Translators: "Users" or "Persons", a tenant, an Entra app's name */
  question = g_strdup_printf (_("Link the %s connection of %s to the Entra app “%s”?"),
                              pv_guide_app_name (kind), id, app->display_name);
  if (!confirm (question))
    {
      g_printerr ("%s\n", _("Nothing was linked."));
      return 1;
    }
  pv_entra_config_set_link (config, id, kind, app->service_principal_id, app->job->id, app->display_name);
  if (!save_config (config, config_file, &error))
    return fail (error);
  g_print (_("Linked: renewing the %s token of %s can now update “%s” in Entra.\n"),
           pv_guide_app_name (kind), id, app->display_name);
  return 0;
}

/* -- health ------------------------------------------------------------- */

/* When the sign-in lapses unless used, in words, or NULL. */
static char *
sign_in_lapse_text (PvGraph *graph)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *date = NULL;
  gint64 lapses_at;

  pv_entra_sign_in_lapse_async (graph, NULL, got_result_cb, &result);
  lapses_at = pv_entra_sign_in_lapse_finish (wait_for (&result), NULL);
  if (lapses_at <= 0)
    return NULL;
  date = pv_format_date (lapses_at);
  /* Translators: an account, then a date; Microsoft ends a sign-in unused for 90 days */
  return g_strdup_printf (_("Microsoft sign-in of %s: lapses on %s unless used (each use renews it)"),
                          pv_graph_get_account (graph) ? pv_graph_get_account (graph) : "—", date);
}

/**
 * entra_sign_in_use:
 * @account: (out) (transfer full) (optional): who signed in, or %NULL
 *
 * For remind: uses the Microsoft sign-in, if there is one (which keeps it
 * from lapsing), and says when it lapses all the same (Microsoft out of
 * reach for weeks).
 *
 * Returns: when the sign-in lapses unless used, or 0: no sign-in, or not
 *   known
 */
gint64
entra_sign_in_use (char **account)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvEntraConfig) config = load_config (NULL, &error);
  g_autoptr(PvGraph) graph = config ? pv_entra_config_new_graph (config, &error) : NULL;
  g_autoptr(GAsyncResult) restored = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gint64 lapses_at;

  if (account != NULL)
    *account = NULL;
  if (graph == NULL)
    return 0;
  pv_graph_restore_async (graph, NULL, got_result_cb, &restored);
  if (!pv_graph_restore_finish (graph, wait_for (&restored), &error) &&
      !g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_SIGNED_IN))
    g_printerr (_("provisioctl: could not use the Microsoft sign-in: %s\n"), error->message);
  pv_entra_sign_in_lapse_async (graph, NULL, got_result_cb, &result);
  lapses_at = pv_entra_sign_in_lapse_finish (wait_for (&result), NULL);
  if (account != NULL)
    *account = g_strdup (pv_graph_get_account (graph));
  return MAX (lapses_at, 0);
}

int
entra_status (GFile  *file,
              char  **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvEntraConfig) config = load_config (NULL, &error);
  g_autoptr(PvGraph) graph = NULL;
  g_autoptr(GList) keys = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int status = 0;

  if (config == NULL || (graph = signed_in_graph (config, &error)) == NULL)
    return fail (error);
  {
    g_autofree char *lapse = sign_in_lapse_text (graph);

    if (lapse != NULL)
      g_print ("%s\n", lapse);
  }
  keys = g_list_sort (g_hash_table_get_keys (config->links), (GCompareFunc) strcmp);
  if (keys == NULL)
    g_print ("%s\n", _("No connection is linked to an Entra app; see provisioctl entra link."));
  for (GList *l = keys; l != NULL; l = l->next)
    {
      const PvEntraLink *link = g_hash_table_lookup (config->links, l->data);
      g_auto(GStrv) parts = g_strsplit (l->data, "/", 2);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(PvEntraJob) job = NULL;
      g_autoptr(GError) local = NULL;
      g_autoptr(PvTenantInfo) info = NULL;
      PvConnectionInfo *connection;
      gint64 tenant_now = now;

      /* Translators: a tenant's id, "Users" or "Persons", an Entra app's name */
      g_print (_("%s · %s app “%s”\n"), parts[0], pv_guide_app_name (parts[1]), link->display_name);
      pv_entra_get_job_async (graph, link->service_principal_id, link->job_id, NULL, got_result_cb, &result);
      job = pv_entra_get_job_finish (wait_for (&result), &local);
      if (job == NULL)
        {
          g_print ("  %s\n", local->message);
          status = 1;
        }
      else
        {
          g_autofree char *described = pv_entra_job_describe (job, now);

          g_print ("  %s\n", described);
          if (job->quarantine_error != NULL && pv_entra_job_in_quarantine (job))
            g_print ("  %s\n", job->quarantine_error);
          if (pv_entra_job_in_quarantine (job) || g_ascii_strcasecmp (job->status, "Paused") == 0)
            status = 1;
        }

      g_clear_error (&local);
      info = tenant_info (file, parts[0], &tenant_now, &local);
      connection = info != NULL ? pv_tenant_info_get_connection (info, parts[1]) : NULL;
      if (connection != NULL)
        {
          gint64 stale = pv_entra_stale_since (connection, tenant_now);

          if (stale > 0)
            {
              g_autofree char *when = pv_format_relative (stale, tenant_now);

              /* Translators: %s is "3 days ago" */
              g_print ("  ");
              g_print (_("Warning: the token was renewed %s, but Entra still uses the old one"), when);
              g_print ("\n");
              status = 1;
            }
        }
    }
  return status;
}

/* -- hand-over ---------------------------------------------------------- */

static void
step_cb (PvHandOverStep  step,
         PvStepState     state,
         const char     *detail,
         gpointer        user_data)
{
  const char *app = user_data;
  g_autofree char *title = pv_entra_hand_over_step_title (step, app);

  /* "" for no detail (a wait said on the step is over) */
  if (detail != NULL && *detail == '\0')
    detail = NULL;
  switch (state)
    {
    case PV_STEP_RUNNING:
      /* A running step's detail is Graph's wait, which waiting_cb prints. */
      if (detail == NULL)
        g_printerr ("[%d/%d] %s…\n", step + 1, PV_HAND_OVER_N_STEPS, title);
      break;
    case PV_STEP_DONE:
      g_printerr ("      %s%s%s\n", _("done"), detail ? ": " : "", detail ? detail : "");
      break;
    case PV_STEP_SKIPPED:
      g_printerr ("[%d/%d] %s: %s\n", step + 1, PV_HAND_OVER_N_STEPS, title, detail ? detail : _("skipped"));
      break;
    case PV_STEP_FAILED:
      g_printerr ("      %s: %s\n", _("failed"), detail ? detail : "");
      break;
    default:
      break;
    }
}

/**
 * entra_hand_over:
 * @renewal: (nullable): renew's, which holds the new token it issued
 * @pasted: (nullable): else app renew's token, pasted from the vendor
 *
 * After renew printed the token: give it to the linked Entra app, as the
 * app's renew assistant does (pv_renewal_hand_over_async()).  On any
 * failure the manual steps are printed; the token stays valid and the old
 * one keeps working.
 */
gboolean
entra_hand_over (const char          *tenant,
                 const char          *kind,
                 PvRenewal           *renewal,
                 const PvIssuedToken *pasted)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvEntraConfig) config = load_config (NULL, &error);
  g_autoptr(PvGraph) graph = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PvEntraJob) job = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  const PvEntraLink *link = config != NULL ? pv_entra_config_get_link (config, tenant, kind) : NULL;
  const char *scim_base_url = renewal ? pv_renewal_get_issued (renewal)->scim_base_url : pasted->scim_base_url;

  if (config != NULL && link == NULL)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                 _("The %s connection of %s is not linked to an Entra app; see provisioctl entra link"),
                 pv_guide_app_name (kind), tenant);
  if (link != NULL && (graph = signed_in_graph (config, &error)) != NULL)
    {
      if (renewal != NULL)
        {
          pv_renewal_hand_over_async (renewal, graph, link, step_cb, link->display_name, NULL, got_result_cb,
                                      &result);
          job = pv_renewal_hand_over_finish (renewal, wait_for (&result), &error);
        }
      else
        {
          pv_entra_hand_over_async (graph, link, scim_base_url, pasted->secret, step_cb, link->display_name, NULL,
                                    got_result_cb, &result);
          job = pv_entra_hand_over_finish (wait_for (&result), &error);
        }
    }
  if (job != NULL)
    {
      g_printerr (_("Entra has the new token. Its next provisioning cycle (within 40 minutes) uses it; "
                    "the old token stays until Entra changes a user or group with the new one, and "
                    "retires two cycles after that.\n"));
      return TRUE;
    }

  g_printerr (_("provisioctl: Entra was not updated: %s\n"), error->message);
  g_printerr ("%s\n", _("Nothing is lost: the new token is valid and the old one keeps working. "
                        "Paste the new token by hand:"));
  steps = pv_guide_steps ("entra", "renew", kind, tenant, scim_base_url, NULL);
  for (guint i = 0; steps != NULL && i < steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (steps, i);

      g_printerr ("%u. %s\n   %s\n", i + 1, step->title, step->detail);
    }
  return FALSE;
}

/**
 * entra_cycle_since:
 * @job: (out): the job as read, for the message
 *
 * For app renew --handed-over: reads the linked Entra app's provisioning
 * job and says whether a cycle since @since provisioned with the token
 * handed over then (pv_entra_job_cycle_since()).
 *
 * Returns: what the job did, or -1 with @error if it could not be read
 */
int
entra_cycle_since (const char  *tenant,
                   const char  *kind,
                   gint64       since,
                   PvEntraJob **job,
                   GError     **error)
{
  g_autoptr(PvEntraConfig) config = load_config (NULL, error);
  g_autoptr(PvGraph) graph = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  const PvEntraLink *link;

  if (config == NULL)
    return -1;
  if ((link = pv_entra_config_get_link (config, tenant, kind)) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("The %s connection of %s is not linked to an Entra app; see provisioctl entra link"),
                   pv_guide_app_name (kind), tenant);
      return -1;
    }
  if ((graph = signed_in_graph (config, error)) == NULL)
    return -1;
  pv_entra_get_job_async (graph, link->service_principal_id, link->job_id, NULL, got_result_cb, &result);
  if ((*job = pv_entra_get_job_finish (wait_for (&result), error)) == NULL)
    return -1;
  return pv_entra_job_cycle_since (*job, since);
}
