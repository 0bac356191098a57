/* main.c: provisioctl, the command line for scripts, monitoring and admins
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisioctl"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <libsecret/secret.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "pv-admin-key.h"
#include "pv-cache.h"
#include "pv-calendar.h"
#include "pv-client.h"
#include "pv-connection-info.h"
#include "pv-credentials.h"
#include "pv-event-info.h"
#include "pv-event-watch.h"
#include "pv-expiry.h"
#include "pv-guide.h"
#include "pv-json-read.h"
#include "pv-json.h"
#include "pv-probe.h"
#include "pv-profiles.h"
#include "pv-reminders.h"
#include "pv-files.h"
#include "pv-reminder-info.h"
#include "pv-renewal.h"
#include "pv-tenant-info.h"
#include "pv-time.h"
#include "pv-tls.h"
#include "pv-token-info.h"
#include "pv-token.h"
#include "pv-tokens.h"
#include "pv-tracked-check.h"
#include "provisioctl.h"

/* Exit codes of `check`, as monitoring plugins use them. */
enum {
  CHECK_OK = 0,
  CHECK_WARNING = 1,
  CHECK_CRITICAL = 2,
  CHECK_UNKNOWN = 3,
};

static gboolean opt_json;
static gboolean opt_version;
static gboolean opt_force;
static gboolean opt_offline;
static char *opt_retire;
static gboolean opt_replace_unused;
static char *opt_description;
static char *opt_output;
static char *opt_idp;
static gboolean opt_no_wait;
static char *opt_pin_certificate;
static gboolean opt_allow_insecure_http;

static const GOptionEntry tenant_add_entries[] = {
  { "pin-certificate", 0, 0, G_OPTION_ARG_FILENAME, &opt_pin_certificate,
    N_("Trust only this certificate (PEM) for the tenant, such as its self-signed one"), N_("FILE") },
  { "allow-insecure-http", 0, 0, G_OPTION_ARG_NONE, &opt_allow_insecure_http,
    N_("Allow a plain http:// URL to another computer: the key crosses the network unencrypted"), NULL },
  { NULL }
};
static gboolean opt_entra;

static const GOptionEntry json_entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON for scripts"), NULL },
  { NULL }
};

static const GOptionEntry status_entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("Print JSON for scripts"), NULL },
  { "offline", 0, 0, G_OPTION_ARG_NONE, &opt_offline,
    N_("Show the last known state, without asking the tenants"), NULL },
  { NULL }
};

static const GOptionEntry calendar_entries[] = {
  { "offline", 0, 0, G_OPTION_ARG_NONE, &opt_offline,
    N_("From the last known state, without asking the tenants"), NULL },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, N_("Write to FILE rather than standard output"),
    N_("FILE") },
  { NULL }
};

static const GOptionEntry setup_entries[] = {
  { "idp", 0, 0, G_OPTION_ARG_STRING, &opt_idp, N_("The identity provider: entra (default) or okta"), N_("IDP") },
  { "no-wait", 0, 0, G_OPTION_ARG_NONE, &opt_no_wait,
    N_("Do not wait for the identity provider's first request"), NULL },
  { NULL }
};

static const GOptionEntry renew_entries[] = {
  { "retire", 0, 0, G_OPTION_ARG_STRING, &opt_retire,
    N_("What becomes of the old token: on-first-use (default), now or never"), N_("WHEN") },
  { "description", 0, 0, G_OPTION_ARG_STRING, &opt_description,
    N_("A note kept with the new token"), N_("TEXT") },
  { "entra", 0, 0, G_OPTION_ARG_NONE, &opt_entra,
    N_("Then give the token to the linked Entra app through Microsoft Graph"), NULL },
  { "replace-unused", 0, 0, G_OPTION_ARG_NONE, &opt_replace_unused,
    N_("If the connection already has a replacement that was never used, replace it"), NULL },
  { NULL }
};

static const GOptionEntry revoke_entries[] = {
  { "force", 0, 0, G_OPTION_ARG_NONE, &opt_force,
    N_("Even the token the identity provider still uses"), NULL },
  { NULL }
};

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Print the version and exit"), NULL },
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

static gboolean
save_profiles (GFile      *file,
               GPtrArray  *profiles,
               GError    **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pv_profiles_save_async (file, profiles, NULL, got_result_cb, &result);
  return pv_profiles_save_finish (wait_for (&result), error);
}

/* The key from the terminal, not echoed, or from standard input; never
 * from the command line, where other users' `ps` would see it. */
static char *
read_secret (const char *prompt)
{
  g_autofree char *line = NULL;
  struct termios saved, quiet;
  gboolean tty = isatty (STDIN_FILENO);
  char buffer[256];

  if (tty)
    {
      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &saved);
      quiet = saved;
      quiet.c_lflag &= ~ECHO;
      tcsetattr (STDIN_FILENO, TCSANOW, &quiet);
    }
  if (fgets (buffer, sizeof buffer, stdin) != NULL)
    line = g_strstrip (g_strdup (buffer));
  if (tty)
    {
      tcsetattr (STDIN_FILENO, TCSANOW, &saved);
      g_printerr ("\n");
    }
  memset (buffer, 0, sizeof buffer);
  return g_steal_pointer (&line);
}

static JsonObject *
call (PvClient    *client,
      const char  *method,
      const char  *path,
      GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  pv_client_request_async (client, method, path, NULL, NULL, got_result_cb, &result);
  return pv_client_request_finish (client, wait_for (&result), error);
}

static PvProfile *
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

static int
tenant_add (GFile      *file,
            const char *id,
            const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(JsonObject) tenant = NULL;
  g_autoptr(GAsyncResult) stored = NULL;
  g_autofree char *key = NULL;
  g_autofree char *label = NULL;
  g_autofree char *pin = NULL;
  const char *name, *tenant_id, *owner;
  gint64 days_left;
  PvTokenKind kind;
  guint index;
  PvProfile profile = { (char *) id, (char *) url };

  if (!pv_profile_id_is_valid (id))
    {
      g_printerr (_("“%s” is not a usable name: use up to 40 letters, digits, dashes and underscores\n"), id);
      return 2;
    }
  if (opt_pin_certificate != NULL && !(pin = pv_tls_fingerprint_of_file (opt_pin_certificate, &error)))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 2;
    }
  profile.pinned_certificate = pin;
  profile.allow_insecure_http = opt_allow_insecure_http;
  key = read_secret (_("Admin API key: "));
  if (!pv_token_is_well_formed (key, &kind) || kind != PV_TOKEN_ADMIN)
    {
      g_printerr (_("That is not a Provisio admin API key (they start with pva_ and are 53 characters long)\n"));
      return 2;
    }

  /* Checked live, as it will be reached, before anything is kept. */
  client = pv_profile_new_client (&profile, key);
  tenant = call (client, "GET", "/api/v1/tenant", &error);
  if (tenant == NULL ||
      !pv_json_read_string (tenant, "name", FALSE, &name, &error) ||
      !pv_json_read_string (tenant, "id", FALSE, &tenant_id, &error) ||
      !pv_json_read_string_in (pv_json_object_member (tenant, "api_key"), "owner", FALSE, &owner, &error) ||
      !pv_json_read_int64 (pv_json_object_member (tenant, "api_key"), "days_left", FALSE, &days_left, &error))
    goto fail;

  label = g_strdup_printf (_("Provisio admin API key for %s (%s)"), id, url);
  pv_credentials_store_async (id, PV_CREDENTIAL_ADMIN_KEY, label, key, NULL, got_result_cb, &stored);
  if (!pv_credentials_store_finish (wait_for (&stored), &error))
    goto fail;

  if (!(profiles = load_profiles (file, &error)))
    goto fail;
  if (find_profile (profiles, id, &index))
    g_ptr_array_remove_index (profiles, index);
  profile.base_url = (char *) pv_client_get_base_url (client);
  g_ptr_array_add (profiles, pv_profile_copy (&profile));
  if (!save_profiles (file, profiles, &error))
    goto fail;

  g_print (g_dngettext (GETTEXT_PACKAGE, "Added %s: tenant “%s” (%s), key of %s, %d day left\n",
                        "Added %s: tenant “%s” (%s), key of %s, %d days left\n", days_left),
           id, name, tenant_id, owner, (int) days_left);
  if (pin != NULL)
    g_print (_("Pinned certificate: SHA-256 %s\n"), pin);
  return 0;

fail:
  g_printerr ("provisioctl: %s\n", error->message);
  return 1;
}

static int
tenant_list (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = load_profiles (file, &error);

  if (profiles == NULL)
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }
  for (guint i = 0; i < profiles->len; i++)
    {
      PvProfile *p = g_ptr_array_index (profiles, i);

      g_print ("%-20s %s", p->id, p->base_url);
      if (p->pinned_certificate != NULL)
        {
          g_print ("  ");
          /* Translators: %s is a certificate's SHA-256 fingerprint */
          g_print (_("pinned certificate SHA-256 %s"), p->pinned_certificate);
        }
      if (p->allow_insecure_http)
        g_print ("  %s", _("(plain HTTP allowed)"));
      g_print ("\n");
    }
  return 0;
}

static int
tenant_remove (GFile      *file,
               const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) profiles = load_profiles (file, &error);
  g_autoptr(GAsyncResult) cleared = NULL;
  guint index;

  if (profiles == NULL)
    goto fail;
  if (!find_profile (profiles, id, &index))
    {
      g_printerr (_("provisioctl: no tenant “%s”\n"), id);
      return 1;
    }
  g_ptr_array_remove_index (profiles, index);
  if (!save_profiles (file, profiles, &error))
    goto fail;
  {
    g_autoptr(GAsyncResult) forgotten = NULL;

    pv_cache_forget_async (id, NULL, got_result_cb, &forgotten);
    if (!pv_cache_forget_finish (wait_for (&forgotten), &error))
      goto fail;
  }
  pv_credentials_clear_async (id, PV_CREDENTIAL_ADMIN_KEY, NULL, got_result_cb, &cleared);
  if (!pv_credentials_clear_finish (wait_for (&cleared), &error))
    goto fail;
  g_print (_("Removed %s and its key from the keyring\n"), id);
  return 0;

fail:
  g_printerr ("provisioctl: %s\n", error->message);
  return 1;
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

/* Drives @renewal's issue (pv_renewal_issue()) to its end: issued, or
 * back at the start with its error and, if the tenant refused, why. */
static gboolean
issue_with (PvRenewal  *renewal,
            const char *idp,
            const char *replace_unused)
{
  pv_renewal_issue (renewal, idp, replace_unused);
  while (pv_renewal_get_step (renewal) == PV_RENEWAL_ISSUING)
    g_main_context_iteration (NULL, TRUE);
  return pv_renewal_get_step (renewal) == PV_RENEWAL_ISSUED;
}

/* renew TENANT KIND: the secret alone on standard output, once. */
static int
renew (GFile      *file,
       const char *id,
       const char *kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(PvRenewal) renewal = NULL;
  const PvIssuedToken *issued;
  g_autofree char *unused = NULL;
  g_autofree char *expires_at = NULL;

  if (!kind_is_valid (kind))
    return 2;
  if (opt_retire && !g_strv_contains ((const char *[]) { "on-first-use", "now", "never", NULL }, opt_retire))
    {
      g_printerr (_("provisioctl: --retire is on-first-use, now or never\n"));
      return 2;
    }
  if (!(client = client_for (file, id, &error)))
    goto fail;

  /* One intent, with its own Idempotency-Key (PvRenewal keeps it). */
  renewal = pv_renewal_new (client, id, kind, FALSE, NULL);
  pv_renewal_set_retire (renewal, opt_retire ? opt_retire : "on-first-use");
  pv_renewal_set_description (renewal, opt_description ? opt_description : "");
  if (!issue_with (renewal, NULL, NULL) && pv_renewal_get_refusal (renewal) != NULL &&
      pv_issue_refusal_can_replace (pv_renewal_get_refusal (renewal)))
    {
      const PvIssueRefusal *refusal = pv_renewal_get_refusal (renewal);
      g_autofree char *why = pv_issue_refusal_describe (refusal);

      g_printerr ("provisioctl: %s\n", why);
      if (!opt_replace_unused)
        {
          g_printerr (_("Run again with --replace-unused to replace %s (%s…) with a new token.\n"),
                      pv_token_info_get_id (refusal->token), pv_token_info_get_prefix (refusal->token));
          return 1;
        }
      g_printerr (_("Replacing %s (%s…) before first use (--replace-unused).\n"),
                  pv_token_info_get_id (refusal->token), pv_token_info_get_prefix (refusal->token));
      unused = g_strdup (pv_token_info_get_id (refusal->token));
      issue_with (renewal, NULL, unused);
    }
  issued = pv_renewal_get_issued (renewal);
  if (issued == NULL && pv_renewal_get_refusal (renewal) != NULL)
    {
      g_autofree char *why = pv_issue_refusal_describe (pv_renewal_get_refusal (renewal));

      g_printerr ("provisioctl: %s\n", why);
      return 1;
    }
  if (issued == NULL)
    {
      g_printerr ("provisioctl: %s\n", pv_renewal_get_error (renewal)->message);
      return 1;
    }

  expires_at = pv_time_format (pv_token_info_get_expires_at (issued->token));
  g_printerr (_("New %s token %s… of %s, expires %s.\n"), kind, pv_token_info_get_prefix (issued->token), id,
              expires_at);
  g_printerr (_("Paste it as the secret token of the identity provider's app for %s, with the tenant URL %s\n"),
              g_str_equal (kind, "users") ? _("Users") : _("Persons"), issued->scim_base_url);
  if (issued->replaces != NULL)
    g_printerr (_("The token it replaces (%s) retires: %s.\n"), issued->replaces, issued->retire);
  g_print ("%s\n", issued->secret);
  fflush (stdout);
  if (opt_entra)
    return entra_hand_over (id, kind, (PvIssuedToken *) issued) ? 0 : 1;
  return 0;

fail:
  g_printerr ("provisioctl: %s\n", error->message);
  return 1;
}

/* tenant rotate-key NAME: the new key goes to the keyring, never to the terminal. */
static int
tenant_rotate_key (GFile      *file,
                   const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(PvRotatedKey) key = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *expires_at = NULL;

  if (!(client = client_for (file, id, &error)))
    goto fail;
  pv_admin_key_rotate_async (id, client, NULL, got_result_cb, &result);
  if (!(key = pv_admin_key_rotate_finish (wait_for (&result), &error)))
    goto fail;

  expires_at = pv_time_format (key->expires_at);
  g_print (_("New admin API key %s… for %s, in the keyring; it expires %s.\n"), key->prefix, id, expires_at);
  g_print (_("The key it replaces (%s) retires once it is no longer used.\n"), key->replaces);
  return 0;

fail:
  g_printerr ("provisioctl: %s\n", error->message);
  return g_error_matches (error, PV_ERROR, PV_ERROR_KEY_EXPIRED) ? 2 : 1;
}

static int
revoke_token (GFile      *file,
              const char *id,
              const char *kind,
              const char *token_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(JsonObject) gone = NULL;
  g_autofree char *path = NULL;
  const char *prefix, *expires_at;

  if (!kind_is_valid (kind))
    return 2;
  if (!(client = client_for (file, id, &error)))
    goto fail;
  path = g_strdup_printf ("/api/v1/provisioning/%s/tokens/%s%s", kind, token_id,
                          opt_force ? "?force=true" : "");
  if (!(gone = call (client, "DELETE", path, &error)) ||
      !pv_json_read_string (gone, "prefix", FALSE, &prefix, &error) ||
      !pv_json_read_string (gone, "expires_at", FALSE, &expires_at, &error))
    goto fail;
  g_print (_("Revoked %s (%s…); listed as deleted until %s\n"), token_id, prefix, expires_at);
  return 0;

fail:
  g_printerr ("provisioctl: %s\n", error->message);
  return 1;
}

static int
events (GFile      *file,
        const char *id,
        const char *kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *path = g_strdup_printf ("/api/v1/provisioning/%s/events?limit=50", kind);
  JsonArray *list;
  JsonNode *node;

  if (!kind_is_valid (kind))
    return 2;
  if (!(client = client_for (file, id, &error)) || !(answer = call (client, "GET", path, &error)))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }
  node = json_object_get_member (answer, "events");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      pv_json_invalid (&error, "events");
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }
  list = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *element = json_array_get_element (list, i);
      g_autoptr(PvEventInfo) event = pv_event_info_new ();

      if (!JSON_NODE_HOLDS_OBJECT (element) ||
          !pv_event_info_update_from_json (event, json_node_get_object (element), &error))
        {
          if (error == NULL)
            pv_json_invalid (&error, "events");
          g_printerr ("provisioctl: %s\n", error->message);
          return 1;
        }
      g_ptr_array_add (items, g_steal_pointer (&event));
    }
  if (opt_json)
    {
      g_autofree char *text = json_to_string (node, TRUE);

      g_print ("%s\n", text);
      return 0;
    }
  for (guint i = 0; i < items->len; i++)
    {
      PvEventInfo *e = g_ptr_array_index (items, i);
      g_autofree char *at = pv_time_format (pv_event_info_get_at (e));
      const char *prefix = pv_event_info_get_token_prefix (e);
      const char *operation = pv_event_info_get_operation (e);
      const char *detail = pv_event_info_get_detail (e);

      g_print ("%s  %-16s %-12s %-28s %s\n", at, pv_event_info_get_event_type (e), prefix ? prefix : "",
               operation ? operation : "", detail ? detail : "");
    }
  return 0;
}

/* test URL: the SCIM probe, with a token from the terminal or standard input */
static int
test_connection (const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) done = NULL;
  g_autoptr(PvProbeResult) result = NULL;
  g_autofree char *token = NULL;

  token = read_secret (_("SCIM token: "));
  if (token == NULL || *token == '\0')
    {
      g_printerr (_("provisioctl: no token given\n"));
      return 2;
    }
  pv_probe_async (url, token, NULL, NULL, got_result_cb, &done);
  result = pv_probe_finish (wait_for (&done), &error);
  if (result == NULL)
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "verdict");
      json_builder_add_string_value (b, pv_probe_verdict_to_string (result->verdict));
      json_builder_set_member_name (b, "detail");
      json_builder_add_string_value (b, result->detail);
      json_builder_set_member_name (b, "elapsed_ms");
      json_builder_add_int_value (b, result->elapsed_ms);
      json_builder_set_member_name (b, "features");
      json_builder_begin_array (b);
      for (guint i = 0; i < result->features->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (result->features, i));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "endpoints");
      json_builder_begin_array (b);
      for (guint i = 0; i < result->endpoints->len; i++)
        json_builder_add_string_value (b, g_ptr_array_index (result->endpoints, i));
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
    }
  else
    {
      g_autofree char *features = NULL;
      g_autofree char *endpoints = NULL;

      g_ptr_array_add (result->features, NULL);
      g_ptr_array_add (result->endpoints, NULL);
      features = g_strjoinv (", ", (char **) result->features->pdata);
      endpoints = g_strjoinv (", ", (char **) result->endpoints->pdata);
      g_print ("%s: %s (%" G_GINT64_FORMAT " ms)\n", pv_probe_verdict_to_string (result->verdict),
               result->detail, result->elapsed_ms);
      if (*features)
        g_print (_("Supports: %s\n"), features);
      if (*endpoints)
        g_print (_("Resource types: %s\n"), endpoints);
    }
  return result->verdict == PV_PROBE_WORKS || result->verdict == PV_PROBE_SLOW ? 0 : 1;
}

/* status and check: every tenant at once */

typedef struct {
  PvProfile    *profile;
  PvTenantInfo *info;
  PvClient     *client;
  GError       *error;
  AppState     *app;      /* a tracked app's (app.c), or NULL */
} TenantState;

typedef struct {
  GPtrArray *profiles;  /* PvProfile, which the states point into */
  GPtrArray *tenants;   /* TenantState */
  GPtrArray *apps;      /* AppState, which the states point into */
  guint      pending;
} Survey;

static void
tenant_state_free (TenantState *t)
{
  g_clear_object (&t->info);
  g_clear_object (&t->client);
  g_clear_error (&t->error);
  g_free (t);
}

typedef struct {
  Survey      *survey;
  TenantState *tenant;
} Pending;

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Pending *p = user_data;

  pv_tenant_info_refresh_finish (PV_TENANT_INFO (source), result, &p->tenant->error);
  p->survey->pending--;
  g_free (p);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Pending *p = user_data;

  pv_tenant_info_load_cached_finish (PV_TENANT_INFO (source), result, &p->tenant->error);
  p->survey->pending--;
  g_free (p);
}

/* The tracked apps, each as a tenant whose state is known here, after
 * the tenants. */
static gboolean
survey_add_apps (GFile    *file,
                 gboolean  cached,
                 Survey   *survey,
                 GError  **error)
{
  survey->apps = apps_survey (file, cached, error);
  if (survey->apps == NULL)
    return FALSE;
  for (guint i = 0; i < survey->apps->len; i++)
    {
      AppState *app = g_ptr_array_index (survey->apps, i);
      TenantState *t = g_new0 (TenantState, 1);

      t->profile = app->profile;
      t->info = g_object_ref (app->info);
      t->app = app;
      g_ptr_array_add (survey->tenants, t);
    }
  return TRUE;
}

/* Every tenant at once, asking each (@cached: FALSE) or reading the last
 * known state of each. */
static gboolean
survey_all (GFile    *file,
            gboolean  cached,
            Survey   *survey,
            GError  **error)
{
  g_autoptr(GPtrArray) profiles = load_profiles (file, error);
  g_autoptr(GAsyncResult) found = NULL;
  g_autoptr(GHashTable) keys = NULL;

  if (profiles == NULL)
    return FALSE;
  survey->tenants = g_ptr_array_new_with_free_func ((GDestroyNotify) tenant_state_free);
  survey->profiles = g_ptr_array_ref (profiles);
  if (profiles->len == 0)
    return survey_add_apps (file, cached, survey, error);

  if (!cached)
    {
      pv_credentials_lookup_all_async (PV_CREDENTIAL_ADMIN_KEY, NULL, got_result_cb, &found);
      keys = pv_credentials_lookup_all_finish (wait_for (&found), error);
      if (keys == NULL)
        return FALSE;
    }

  for (guint i = 0; i < profiles->len; i++)
    {
      TenantState *t = g_new0 (TenantState, 1);
      Pending *p;
      const char *key;

      t->profile = g_ptr_array_index (profiles, i);
      t->info = pv_tenant_info_new (t->profile);
      g_ptr_array_add (survey->tenants, t);
      p = g_new0 (Pending, 1);
      p->survey = survey;
      p->tenant = t;
      survey->pending++;
      if (cached)
        {
          pv_tenant_info_load_cached_async (t->info, NULL, loaded_cb, p);
          continue;
        }
      key = g_hash_table_lookup (keys, t->profile->id);
      if (key == NULL)
        {
          t->error = g_error_new (PV_ERROR, PV_ERROR_KEYRING_NOT_FOUND,
                                  _("The keyring holds no admin API key for this tenant"));
          survey->pending--;
          g_free (p);
          continue;
        }
      t->client = pv_profile_new_client (t->profile, key);
      pv_tenant_info_refresh_async (t->info, t->client, NULL, refreshed_cb, p);
    }
  while (survey->pending > 0)
    g_main_context_iteration (NULL, TRUE);
  return survey_add_apps (file, cached, survey, error);
}

static void
survey_clear (Survey *survey)
{
  g_clear_pointer (&survey->tenants, g_ptr_array_unref);
  g_clear_pointer (&survey->profiles, g_ptr_array_unref);
  g_clear_pointer (&survey->apps, g_ptr_array_unref);
}

/* "Now" by the tenant's clock, as far as it is known. */
static gint64
tenant_now (TenantState *t)
{
  return t->client ? pv_client_get_now (t->client) : g_get_real_time () / G_USEC_PER_SEC;
}

#define add_time pv_json_builder_add_time
#define add_string pv_json_builder_add_string

static void
add_connections (JsonBuilder *b,
                 TenantState *t)
{
  GListModel *connections = pv_tenant_info_get_connections (t->info);

  json_builder_begin_array (b);
  for (guint c = 0; t->error == NULL && c < g_list_model_get_n_items (connections); c++)
    {
      g_autoptr(PvConnectionInfo) conn = g_list_model_get_item (connections, c);
      GListModel *tokens = pv_connection_info_get_tokens (conn);

      json_builder_begin_object (b);
      add_string (b, "kind", pv_connection_info_get_kind (conn));
      add_string (b, "identity_provider", pv_connection_info_get_identity_provider (conn));
      add_string (b, "scim_base_url", pv_connection_info_get_scim_base_url (conn));
      if (t->app != NULL)
        add_string (b, "check", app_state_verdict (t->app, pv_connection_info_get_kind (conn)));
      json_builder_set_member_name (b, "tokens");
      json_builder_begin_array (b);
      for (guint k = 0; k < g_list_model_get_n_items (tokens); k++)
        {
          g_autoptr(PvTokenInfo) token = g_list_model_get_item (tokens, k);

          json_builder_begin_object (b);
          add_string (b, "id", pv_token_info_get_id (token));
          add_string (b, "prefix", pv_token_info_get_prefix (token));
          add_string (b, "description", pv_token_info_get_description (token));
          add_string (b, "created_by", pv_token_info_get_created_by (token));
          add_time (b, "created_at", pv_token_info_get_created_at (token));
          add_time (b, "expires_at", pv_token_info_get_expires_at (token));
          add_time (b, "last_used_at", pv_token_info_get_last_used_at (token));
          json_builder_set_member_name (b, "days_left");
          json_builder_add_int_value (b, pv_expiry_days_left (pv_token_info_get_expires_at (token),
                                                              tenant_now (t)));
          add_string (b, "state", pv_expiry_state_to_string (pv_token_info_get_state (token)));
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

/* "admin_key": the key Provisio holds for the tenant, or null */
static void
add_key (JsonBuilder *b,
         TenantState *t)
{
  const char *id = NULL, *prefix = NULL;
  gint64 created_at = 0, expires_at = 0;
  PvExpiryState state = pv_tenant_info_get_key (t->info, &id, &prefix, &created_at, &expires_at);

  json_builder_set_member_name (b, "admin_key");
  if (t->error != NULL || id == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  add_string (b, "id", id);
  add_string (b, "prefix", prefix);
  add_string (b, "owner", pv_tenant_info_get_account (t->info));
  add_time (b, "created_at", created_at);
  add_time (b, "expires_at", expires_at);
  json_builder_set_member_name (b, "days_left");
  json_builder_add_int_value (b, pv_expiry_days_left (expires_at, tenant_now (t)));
  add_string (b, "state", pv_expiry_state_to_string (state));
  json_builder_end_object (b);
}

/* Days left come from the tenant's clock; say so when this one is off. */
static void
warn_about_clocks (Survey *survey)
{
  for (guint i = 0; i < survey->tenants->len; i++)
    {
      TenantState *t = g_ptr_array_index (survey->tenants, i);
      gint64 skew = t->client ? pv_client_get_clock_skew (t->client) : 0;

      if (ABS (skew) >= 120)
        g_printerr (skew > 0
                    ? _("provisioctl: this computer's clock is %d minutes behind %s's; "
                        "expiry is computed with the tenant's clock\n")
                    : _("provisioctl: this computer's clock is %d minutes ahead of %s's; "
                        "expiry is computed with the tenant's clock\n"),
                    (int) (ABS (skew) / 60), t->profile->id);
    }
}

static int
status (GFile *file)
{
  g_autoptr(GError) error = NULL;
  Survey survey = { 0 };
  int status = 0;

  if (!survey_all (file, opt_offline, &survey, &error))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      survey_clear (&survey);
      return 1;
    }
  if (opt_offline)
    {
      for (guint i = 0; i < survey.tenants->len; i++)
        {
          TenantState *t = g_ptr_array_index (survey.tenants, i);
          gint64 fetched_at = pv_tenant_info_get_fetched_at (t->info);
          g_autofree char *when = t->error == NULL && fetched_at ? pv_time_format (fetched_at) : NULL;

          if (when != NULL)
            g_printerr (_("provisioctl: %s as of %s\n"), t->profile->id, when);
        }
    }
  else
    {
      warn_about_clocks (&survey);
    }

  if (opt_json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "tenants");
      json_builder_begin_array (b);
      for (guint i = 0; i < survey.tenants->len; i++)
        {
          TenantState *t = g_ptr_array_index (survey.tenants, i);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, t->profile->id);
          json_builder_set_member_name (b, "url");
          json_builder_add_string_value (b, t->profile->base_url);
          add_string (b, "source", t->app ? "app" : "tenant");
          if (t->app != NULL)
            add_string (b, "vendor", t->app->app->vendor);
          add_time (b, "fetched_at", opt_offline ? pv_tenant_info_get_fetched_at (t->info) : 0);
          add_string (b, "error", t->error ? t->error->message : NULL);
          json_builder_set_member_name (b, "connections");
          add_connections (b, t);
          add_key (b, t);
          json_builder_end_object (b);
          status = t->error ? 1 : status;
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
      root = json_builder_get_root (b);
      text = json_to_string (root, TRUE);
      g_print ("%s\n", text);
    }
  else
    {
      /* Translators: column headings of provisioctl status */
      g_print ("%-14s %-8s %-12s %-20s %6s  %s\n", _("TENANT"), _("KIND"), _("TOKEN"), _("EXPIRES"),
               _("DAYS"), _("STATE"));
      for (guint i = 0; i < survey.tenants->len; i++)
        {
          TenantState *t = g_ptr_array_index (survey.tenants, i);
          GListModel *connections = pv_tenant_info_get_connections (t->info);

          if (t->error != NULL)
            {
              g_print ("%-14s %s\n", t->profile->id, t->error->message);
              status = 1;
              continue;
            }
          {
            const char *prefix;
            gint64 expires_at;
            PvExpiryState state = pv_tenant_info_get_key (t->info, NULL, &prefix, NULL, &expires_at);

            if (expires_at != 0)
              {
                g_autofree char *expires = pv_time_format (expires_at);

                /* Translators: the KIND column of provisioctl status for the admin API key */
                g_print ("%-14s %-8s %-12s %-20s %6" G_GINT64_FORMAT "  %s\n", t->profile->id, _("key"),
                         prefix, expires, pv_expiry_days_left (expires_at, tenant_now (t)),
                         pv_expiry_state_to_string (state));
              }
          }
          for (guint c = 0; c < g_list_model_get_n_items (connections); c++)
            {
              g_autoptr(PvConnectionInfo) conn = g_list_model_get_item (connections, c);
              GListModel *tokens = pv_connection_info_get_tokens (conn);
              const char *kind = pv_connection_info_get_kind (conn);

              if (g_list_model_get_n_items (tokens) == 0)
                g_print ("%-14s %-8s %s\n", t->profile->id, kind, _("(no token)"));
              for (guint k = 0; k < g_list_model_get_n_items (tokens); k++)
                {
                  g_autoptr(PvTokenInfo) token = g_list_model_get_item (tokens, k);
                  g_autofree char *expires = pv_time_format (pv_token_info_get_expires_at (token));

                  const char *verdict = t->app ? app_state_verdict (t->app, kind) : NULL;

                  g_print ("%-14s %-8s %-12s %-20s %6" G_GINT64_FORMAT "  %s%s%s%s\n", t->profile->id, kind,
                           pv_token_info_get_prefix (token), expires,
                           pv_expiry_days_left (pv_token_info_get_expires_at (token), tenant_now (t)),
                           pv_expiry_state_to_string (pv_token_info_get_state (token)),
                           verdict ? " (" : "", verdict ? verdict : "", verdict ? ")" : "");
                }
            }
        }
    }
  survey_clear (&survey);
  return status;
}

static int
check (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) details = g_string_new (NULL);
  Survey survey = { 0 };
  int worst = CHECK_OK;
  guint n_items = 0, n_unknown = 0;
  const char *words[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };

  if (!survey_all (file, FALSE, &survey, &error))
    {
      g_print ("PROVISIO UNKNOWN - %s\n", error->message);
      survey_clear (&survey);
      return CHECK_UNKNOWN;
    }
  if (survey.tenants->len == 0)
    {
      g_print ("PROVISIO UNKNOWN - %s\n", _("no tenants; add one with provisioctl tenant add"));
      survey_clear (&survey);
      return CHECK_UNKNOWN;
    }

  for (guint i = 0; i < survey.tenants->len; i++)
    {
      TenantState *t = g_ptr_array_index (survey.tenants, i);
      GListModel *reminders = pv_tenant_info_get_reminders (t->info);

      if (t->error != NULL)
        {
          /* An expired key is known: the tenant said so. */
          if (g_error_matches (t->error, PV_ERROR, PV_ERROR_KEY_EXPIRED))
            worst = CHECK_CRITICAL;
          else
            n_unknown++;
          g_string_append_printf (details, "%s%s: %s", details->len ? "; " : "", t->profile->id,
                                  t->error->message);
          continue;
        }
      for (guint k = 0; k < g_list_model_get_n_items (reminders); k++)
        {
          g_autoptr(PvReminderInfo) item = g_list_model_get_item (reminders, k);
          PvExpiryState state = pv_reminder_info_get_state (item);
          const char *connection = pv_reminder_info_get_connection (item);
          const char *what = connection ? connection :
                             g_strcmp0 (pv_reminder_info_get_subject (item), "key") == 0 ? "admin-key"
                                                                                       : "sso-certificate";
          int level = state == PV_EXPIRY_OK ? CHECK_OK :
                      state == PV_EXPIRY_DUE_SOON ? CHECK_WARNING : CHECK_CRITICAL;
          gint64 days = pv_reminder_info_get_days_left (item);

          n_items++;
          worst = MAX (worst, level);
          if (level == CHECK_OK)
            continue;
          if (details->len > 0)
            g_string_append (details, "; ");
          if (t->app != NULL && g_strcmp0 (app_state_verdict (t->app, connection), "token-rejected") == 0)
            /* Translators: app/connection, such as timly/persons */
            g_string_append_printf (details, _("%s/%s: the vendor rejects the token"), t->profile->id, connection);
          else if (days <= 0)
            /* Translators: tenant/connection, such as contoso/persons */
            g_string_append_printf (details, _("%s/%s expired"), t->profile->id, what);
          else
            g_string_append_printf (details,
                                    /* Translators: tenant/connection and days left */
                                    g_dngettext (GETTEXT_PACKAGE,
                                                 "%s/%s expires in %d day",
                                                 "%s/%s expires in %d days", days),
                                    t->profile->id, what, (int) days);
        }
    }

  /* Expired or urgent beats unknown; unknown beats a warning. */
  if (n_unknown > 0 && worst < CHECK_CRITICAL)
    worst = CHECK_UNKNOWN;
  g_print ("PROVISIO %s - %u tenant(s), %u token(s) and certificate(s)%s%s\n", words[worst],
           survey.tenants->len, n_items, details->len ? ": " : "", details->str);
  survey_clear (&survey);
  return worst;
}

/* setup: a connection's first token, the identity provider's steps, and
 * the wait for its first request */

static int
setup (GFile      *file,
       const char *id,
       const char *kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(PvTenantInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PvRenewal) renewal = NULL;
  const PvIssuedToken *issued;
  g_autoptr(GPtrArray) steps = NULL;
  PvConnectionInfo *connection;
  const PvAttributeMapping *mappings;
  const char *idp = opt_idp ? opt_idp : "entra";
  const char *app = pv_guide_app_name (kind);
  const char *name;
  guint n_mappings;
  PvProfile profile = { (char *) id, NULL };

  if (!kind_is_valid (kind))
    return 2;
  if (!g_str_equal (idp, "entra") && !g_str_equal (idp, "okta"))
    {
      g_printerr (_("provisioctl: --idp is entra or okta\n"));
      return 2;
    }
  if (!(client = client_for (file, id, &error)))
    goto fail;

  profile.base_url = (char *) pv_client_get_base_url (client);
  info = pv_tenant_info_new (&profile);
  pv_tenant_info_refresh_async (info, client, NULL, got_result_cb, &result);
  if (!pv_tenant_info_refresh_finish (info, wait_for (&result), &error))
    goto fail;
  connection = pv_tenant_info_get_connection (info, kind);
  name = pv_tenant_info_get_name (info) ? pv_tenant_info_get_name (info) : id;
  if (connection == NULL)
    {
      g_printerr (_("provisioctl: %s has no %s connection\n"), id, kind);
      return 1;
    }
  /* Setting up again would strand the token the identity provider uses. */
  if (g_list_model_get_n_items (pv_connection_info_get_tokens (connection)) > 0)
    {
      g_printerr (_("provisioctl: the %s connection of %s already has a token; renew it with "
                    "provisioctl renew %s %s\n"), app, name, id, kind);
      return 1;
    }

  /* The tenant learns which identity provider provisions it, then the
   * first token is issued (PvRenewal, as the app's assistant). */
  renewal = pv_renewal_new (client, id, kind, TRUE, NULL);
  pv_renewal_set_description (renewal, _("Set up with provisioctl"));
  if (!issue_with (renewal, idp, NULL))
    {
      g_printerr ("provisioctl: %s\n", pv_renewal_get_error (renewal)->message);
      return 1;
    }
  issued = pv_renewal_get_issued (renewal);

  steps = pv_guide_steps (idp, "setup", kind, name, issued->scim_base_url, &error);
  if (steps == NULL)
    goto fail;
  /* Translators: the heading of provisioctl setup: "Users" or "Persons", the tenant, the identity provider */
  g_print (_("Setting up the %s app of %s in %s\n\n"), app, name, pv_guide_provider_name (idp));
  for (guint i = 0; i < steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (steps, i);

      g_print ("%u. %s\n   %s\n", i + 1, step->title, step->detail);
      for (guint f = 0; step->fields[f]; f++)
        {
          if (g_str_equal (step->fields[f], "tenant-url"))
            g_print ("   %s: %s\n", _("Tenant URL"), issued->scim_base_url);
          else if (g_str_equal (step->fields[f], "secret-token"))
            /* Shown this once: the tenant keeps only its digest. */
            g_print ("   %s: %s\n", _("Secret token"), issued->secret);
        }
      if (step->link != NULL)
        g_print ("   %s\n", step->link);
      g_print ("\n");
    }
  mappings = pv_guide_mappings (idp, &n_mappings);
  g_print ("%s\n", _("Attribute mappings (identity provider → tenant):"));
  for (guint i = 0; i < n_mappings; i++)
    g_print ("  %-34s → %s%s%s%s\n", mappings[i].source, mappings[i].target,
             mappings[i].note ? " (" : "", mappings[i].note ? _(mappings[i].note) : "", mappings[i].note ? ")" : "");
  {
    g_autoptr(GPtrArray) verify = pv_guide_steps (idp, "verify", kind, name, issued->scim_base_url, NULL);

    if (verify != NULL)
      {
        /* Translators: %s is the identity provider */
        g_print ("\n");
        g_print (_("To check in %s:\n"), pv_guide_provider_name (idp));
        for (guint i = 0; i < verify->len; i++)
          {
            PvGuideStep *step = g_ptr_array_index (verify, i);

            g_print ("  - %s: %s\n", step->title, step->detail);
          }
      }
  }
  fflush (stdout);

  if (opt_no_wait)
    return 0;
  g_printerr (_("Waiting for the identity provider's first request with the new token (Ctrl+C stops "
                "waiting; the token stays)…\n"));
  pv_renewal_wait (renewal, 2000);
  while (pv_renewal_get_step (renewal) != PV_RENEWAL_DONE)
    g_main_context_iteration (NULL, TRUE);
  {
    const char *agent = pv_event_info_get_user_agent (pv_renewal_get_first_use (renewal));

    /* Translators: the identity provider's program, such as "Azure AD SCIM client" */
    g_print (_("The identity provider's first request arrived (%s). Provisioning works.\n"),
             agent ? agent : _("unknown client"));
  }
  return 0;

fail:
  g_printerr ("provisioctl: %s\n", error->message);
  return 1;
}

/* remind: the reminders due, as desktop notifications, each once */

/* The app's preferences, where its settings schema is installed: the
 * reminder thresholds they set for every tenant (@overridden), and whether
 * they allow notifications. */
static gboolean
remind_policy (PvExpiryPolicy *policy,
               gboolean       *overridden)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, BASE_ID, TRUE) : NULL;

  *overridden = FALSE;
  /* Parsing keeps urgent_days if set: start from nothing, not the stack's. */
  *policy = (PvExpiryPolicy) { 0 };
  if (schema != NULL)
    {
      g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
      g_autofree char *text = g_settings_get_string (settings, "reminder-thresholds");

      *overridden = *text != '\0' && pv_expiry_policy_parse (policy, text, NULL);
      return g_settings_get_boolean (settings, "notifications");
    }
  return TRUE;
}

static int
remind (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autoptr(GPtrArray) holders = NULL;
  g_autoptr(GFile) state = pv_reminders_state_file ();
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GApplication) app = NULL;
  g_autoptr(GAsyncResult) written = NULL;
  g_autofree char *state_path = g_file_get_path (state);
  g_autofree char *data = NULL;
  Survey survey = { 0 };
  PvExpiryPolicy policy;
  gboolean overridden;
  gsize length;

  if (!survey_all (file, FALSE, &survey, &error))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      survey_clear (&survey);
      return 1;
    }
  if (!remind_policy (&policy, &overridden))
    {
      g_printerr (_("provisioctl: notifications are off in Provisio's preferences\n"));
      survey_clear (&survey);
      return 0;
    }
  g_key_file_load_from_file (sent, state_path, G_KEY_FILE_NONE, NULL);
  due = g_ptr_array_new_with_free_func (NULL);
  holders = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < survey.tenants->len; i++)
    {
      TenantState *t = g_ptr_array_index (survey.tenants, i);
      GPtrArray *found;

      /* A tenant out of reach: its last known state still says when its
       * tokens expire. */
      if (t->error != NULL)
        {
          g_autoptr(GAsyncResult) loaded = NULL;
          g_autoptr(GError) cache_error = NULL;

          pv_tenant_info_load_cached_async (t->info, NULL, got_result_cb, &loaded);
          if (!pv_tenant_info_load_cached_finish (t->info, wait_for (&loaded), &cache_error))
            {
              g_printerr (_("provisioctl: %s left out: %s\n"), t->profile->id, t->error->message);
              continue;
            }
        }
      /* Each by its own clock and, unless the preferences say otherwise,
       * its own schedule, as the tenant counts the days. */
      found = pv_reminders_due_for_tenant (t->info, overridden ? &policy : pv_tenant_info_get_policy (t->info),
                                           tenant_now (t), sent);
      /* A token its vendor rejects, whatever its dates say */
      if (t->app != NULL)
        pv_tracked_checks_add_due (t->app->checks, t->app->app, t->info, sent, found);
      g_ptr_array_extend (due, found, NULL, NULL);
      g_ptr_array_add (holders, found);
    }
  /* The Microsoft sign-in: used, so that it does not lapse, and reminded of if it does all the same. */
  {
    GPtrArray *found;

    if (!overridden)
      pv_expiry_policy_init_default (&policy);
    found = entra_sign_in_reminders (&policy, sent);
    g_ptr_array_extend (due, found, NULL, NULL);
    g_ptr_array_add (holders, found);
  }
  /* The SAML apps' certificates the last Import from Entra found */
  {
    g_autoptr(GPtrArray) saml = entra_saml_certificates ();

    for (guint i = 0; i < saml->len; i++)
      {
        GPtrArray *found = pv_reminders_due_for_tenant (g_ptr_array_index (saml, i), &policy,
                                                        g_get_real_time () / G_USEC_PER_SEC, sent);

        g_ptr_array_extend (due, found, NULL, NULL);
        g_ptr_array_add (holders, found);
      }
  }

  /* Sent as the app, so that the notification's actions open it. */
  app = g_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  if (due->len > 0 && !g_application_register (app, NULL, &error))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      survey_clear (&survey);
      return 1;
    }
  pv_reminders_send (app, due, sent);
  for (guint i = 0; i < due->len; i++)
    g_print ("%s\n", ((PvDueReminder *) g_ptr_array_index (due, i))->title);
  if (due->len > 0)
    {
      GDBusConnection *bus = g_application_get_dbus_connection (app);
      g_autoptr(GBytes) bytes = NULL;

      /* The notifications leave before the process does. */
      if (bus != NULL)
        g_dbus_connection_flush_sync (bus, NULL, NULL);
      data = g_key_file_to_data (sent, &length, NULL);
      bytes = g_bytes_new (data, length);
      pv_file_write_private_async (state, bytes, NULL, got_result_cb, &written);
      if (!pv_file_write_private_finish (wait_for (&written), &error))
        g_printerr (_("provisioctl: could not remember the reminders sent: %s\n"), error->message);
    }
  survey_clear (&survey);
  return 0;
}

/* calendar: the expiries as iCalendar */
static int
calendar (GFile *file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GListStore) infos = g_list_store_new (PV_TYPE_TENANT_INFO);
  g_autofree char *ics = NULL;
  Survey survey = { 0 };
  PvExpiryPolicy policy;
  int status = 0;

  if (!survey_all (file, opt_offline, &survey, &error))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      survey_clear (&survey);
      return 1;
    }
  for (guint i = 0; i < survey.tenants->len; i++)
    {
      TenantState *t = g_ptr_array_index (survey.tenants, i);

      if (t->error != NULL)
        {
          g_printerr (_("provisioctl: %s left out: %s\n"), t->profile->id, t->error->message);
          status = 1;
          continue;
        }
      g_list_store_append (infos, t->info);
    }
  /* The SAML apps' certificates the last Import from Entra found */
  {
    g_autoptr(GPtrArray) saml = entra_saml_certificates ();

    g_list_store_splice (infos, g_list_model_get_n_items (G_LIST_MODEL (infos)), 0, saml->pdata, saml->len);
  }
  pv_expiry_policy_init_default (&policy);
  ics = pv_calendar_build (G_LIST_MODEL (infos), &policy, g_get_real_time () / G_USEC_PER_SEC);
  survey_clear (&survey);
  if (opt_output == NULL)
    {
      fputs (ics, stdout);
      return status;
    }
  if (!g_file_set_contents (opt_output, ics, -1, &error))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }
  return status;
}

static int
run_tenant_add (GFile *file, char **args)
{
  return tenant_add (file, args[0], args[1]);
}

static int
run_tenant_list (GFile *file, char **args)
{
  return tenant_list (file);
}

static int
run_tenant_remove (GFile *file, char **args)
{
  return tenant_remove (file, args[0]);
}

static int
run_tenant_rotate_key (GFile *file, char **args)
{
  return tenant_rotate_key (file, args[0]);
}

static int
run_status (GFile *file, char **args)
{
  return status (file);
}

static int
run_calendar (GFile *file, char **args)
{
  return calendar (file);
}

static int
run_setup (GFile *file, char **args)
{
  return setup (file, args[0], args[1]);
}

static int
run_remind (GFile *file, char **args)
{
  return remind (file);
}

static int
run_check (GFile *file, char **args)
{
  return check (file);
}

static int
run_renew (GFile *file, char **args)
{
  return renew (file, args[0], args[1]);
}

static int
run_revoke (GFile *file, char **args)
{
  return revoke_token (file, args[0], args[1], args[2]);
}

static int
run_events (GFile *file, char **args)
{
  return events (file, args[0], args[1]);
}

static int
run_test (GFile *file, char **args)
{
  return test_connection (args[0]);
}

typedef struct {
  const char *name;          /* one or two words */
  const char *parameters;    /* translatable */
  const char *summary;       /* translatable, one line for the command list */
  const char *description;   /* translatable, for the command's --help */
  const GOptionEntry *entries;
  guint n_args;
  int (*run) (GFile *file, char **args);
} Command;

static const Command commands[] = {
  { "tenant add", N_("NAME URL"), N_("Add a tenant"),
    N_("Adds a tenant by the base URL of its management API. The admin API key is read "
       "from the terminal, without echo, or from standard input, checked against the "
       "tenant, and kept in the keyring only. The tenant's certificate must be trusted by "
       "this computer, or pinned with --pin-certificate: then that certificate alone is "
       "trusted, self-signed or not. Plain http:// is for this computer (loopback) only, "
       "unless --allow-insecure-http."),
    tenant_add_entries, 2, run_tenant_add },
  { "tenant list", "", N_("List the tenants added"),
    N_("Lists the tenants added, with their URLs and the SHA-256 fingerprint of a pinned certificate."),
    NULL, 0, run_tenant_list },
  { "tenant remove", N_("NAME"), N_("Forget a tenant and its key"),
    N_("Forgets a tenant: its key is deleted from the keyring, its cached state removed. "
       "Nothing changes on the tenant itself."),
    NULL, 1, run_tenant_remove },
  { "tenant rotate-key", N_("NAME"), N_("Renew Provisio's admin API key for a tenant"),
    N_("Asks the tenant for a new admin API key for the same owner, keeps it in the keyring in place of the "
       "old one, and makes a request with it, after which the old key retires once it is no longer used. "
       "Nothing is printed but the new key's prefix and expiry. If a step fails, the keyring still holds a "
       "key the tenant accepts, and the message says which; run it again. An expired key cannot be "
       "renewed: ask the tenant's owner for a new one (exit status 2)."),
    NULL, 1, run_tenant_rotate_key },
  { "status", "", N_("Every token of every tenant, with days left"),
    N_("Asks every tenant at once and lists each connection's tokens with their state and "
       "days left, and each SSO signing certificate. With --offline, the last known state "
       "is shown without a network."),
    status_entries, 0, run_status },
  { "check", "", N_("For monitoring: one line and an exit code"),
    N_("Prints one summary line and exits 0 when all is well, 1 when a token, certificate or admin API key "
       "is due soon, 2 when one is urgent or expired, 3 when a tenant cannot be asked."),
    NULL, 0, run_check },
  { "setup", N_("NAME KIND"), N_("Set up a connection's provisioning for the first time"),
    N_("For a users or persons connection that has no token yet: tells the tenant which identity provider "
       "provisions it, issues the first token, prints the identity provider's steps with the tenant URL and "
       "the token (shown this once) and the attribute mappings, then waits until the identity provider's "
       "first request arrives."),
    setup_entries, 2, run_setup },
  { "remind", "", N_("Send the reminders that are due, each once"),
    N_("Sends a desktop notification for each token or SSO certificate that crossed a reminder threshold since "
       "the last time, once per token and threshold, as the Provisio app (its Renew button opens the renew "
       "assistant). Tenants out of reach are judged on their last known state. The systemd user timer "
       "provisio-reminders.timer runs this when the app is closed."),
    NULL, 0, run_remind },
  { "calendar", "", N_("Upcoming expiries as an iCalendar file"),
    N_("Writes every token's and SSO certificate's expiry as an all-day event, with an alarm at each reminder "
       "threshold (60, 30, 14, 7, 3 and 1 days), for a calendar application. Importing again updates the same "
       "events."),
    calendar_entries, 0, run_calendar },
  { "renew", N_("NAME KIND"), N_("Issue a new token for users or persons"),
    N_("Issues a new SCIM token for the users or persons connection. The secret is printed "
       "once, alone, on standard output; messages go to standard error. The old token is "
       "kept until the identity provider provisions with the new one and no longer with it, "
       "unless --retire says otherwise. If the connection already has a replacement nobody has used (an answer "
       "lost on the way, an assistant closed before the secret was copied, another admin "
       "renewing), renew says who issued it and when; with --replace-unused it replaces that "
       "one in the same step, the old token untouched. A replacement the identity provider "
       "has used is never replaced."),
    renew_entries, 2, run_renew },
  { "revoke", N_("NAME KIND ID"), N_("Revoke a token"),
    N_("Revokes a token by its id. The token the identity provider last used is refused "
       "unless --force is given, as provisioning would stop."),
    revoke_entries, 3, run_revoke },
  { "events", N_("NAME KIND"), N_("Recent SCIM changes and token events"),
    N_("Lists the recent events of a connection, newest first: SCIM changes made by the "
       "identity provider, token issues, first uses and revocations."),
    json_entries, 2, run_events },
  { "test", N_("URL"), N_("Test a SCIM base URL as an IdP would"),
    N_("Tests a SCIM 2.0 base URL with a bearer token read from the terminal or standard "
       "input: what the endpoint advertises and a verdict. Exits 0 when it works."),
    json_entries, 1, run_test },
  { "app vendors", "", N_("The vendors of the catalog"),
    N_("Lists the catalog's vendors whose tokens can be tracked: their id, name, connections, token lifetime "
       "and the SCIM base URL all their customers use, where there is one."),
    NULL, 0, app_vendors },
  { "app add", N_("NAME VENDOR"), N_("Track an app's token"),
    N_("Tracks the token of an app whose vendor makes tokens in its own console: VENDOR is one of the catalog "
       "(provisioctl app vendors) or other. The token is read from the terminal, without echo, or from "
       "standard input, trimmed, checked for shape, and tried against the SCIM base URL with a request that "
       "reads and changes nothing; only a token the vendor accepts is kept, in the keyring only. Its expiry "
       "comes from the token itself when it is a JWT, else from the vendor's token lifetime from --issued, "
       "else from --expires. With --dates-only, only the dates are tracked. Run once per connection of an "
       "app with two (--kind persons)."),
    app_add_entries, 2, app_add },
  { "app list", "", N_("List the tracked apps"),
    N_("Lists each tracked app's connections: vendor, expiry, where the expiry comes from, the verdict of "
       "the last check of its token, and its SCIM base URL."),
    NULL, 0, app_list },
  { "app remove", N_("NAME"), N_("Stop tracking an app"),
    N_("Forgets a tracked app: its tokens are deleted from the keyring. Nothing changes at the vendor."),
    NULL, 1, app_remove },
  { "app renew", N_("NAME KIND"), N_("Paste an app's new token once"),
    N_("Renews a tracked app's token: prints what happens in the vendor's console and its steps, then reads "
       "the new token, checks it and tries it against the vendor's SCIM endpoint before anything else. A "
       "token the vendor refuses goes no further. An accepted one is kept in the keyring as not yet handed "
       "over, then handed to the linked Entra app through Microsoft Graph or, without a link, printed alone "
       "on standard output after the identity provider's steps. --handed-over records it as the app's token "
       "and forgets the old one."),
    app_renew_entries, 2, app_renew },
  { "entra sign-in", "", N_("Sign in to Microsoft Entra for Graph"),
    N_("Signs in to Microsoft Entra with a code entered in any browser (the device code flow), asking for "
       "Synchronization.ReadWrite.All and Application.Read.All. The refresh token is kept in the keyring only; "
       "the cloud, directory and client id in entra.ini."),
    entra_sign_in_entries, 0, entra_sign_in },
  { "entra sign-out", "", N_("Forget the Microsoft sign-in"),
    N_("Removes the Microsoft sign-in from the keyring."),
    NULL, 0, entra_sign_out },
  { "entra apps", "", N_("The directory's enterprise apps that provision"),
    N_("Lists the enterprise apps of the Entra directory that have a provisioning job, with the job's state, "
       "the tenant URL it uses and the Provisio connection with that URL."),
    entra_json_entries, 0, entra_apps },
  { "entra link", N_("NAME KIND"), N_("Link a connection to its Entra app"),
    N_("Finds the Entra app whose provisioning job uses the connection's tenant URL (or the one given with "
       "--app) and, once confirmed, links the two, so that renew --entra and the app can update it."),
    entra_link_entries, 2, entra_link },
  { "entra status", "", N_("Provisioning health of the linked Entra apps"),
    N_("For each linked connection: the Entra job's state (active, paused, in quarantine with reason and since "
       "when), its last successful run, and a warning when a token renewed in the tenant is still unused while "
       "Entra uses the old one. Exits 1 when any of these needs attention."),
    NULL, 0, entra_status },
  { "entra import", "", N_("Track every Entra app that provisions"),
    N_("Makes each enterprise app with a provisioning job a tracked app, linked to its Entra app: its SCIM base "
       "URL from the job, its vendor from the catalog by the URL's host, its expiry unknown until set with "
       "provisioctl app renew. Apps of a provisiod tenant stay as they are; a later import adds new apps, "
       "updates the others and marks those Entra no longer has as removed, without duplicates."),
    NULL, 0, entra_import },
  { "entra certificates", "", N_("The SAML signing certificates of the Entra apps"),
    N_("Lists each enterprise app that signs in with SAML and when its active signing certificate (the one "
       "preferredTokenSigningKeyThumbprint names) expires, soonest first."),
    entra_json_entries, 0, entra_certificates },
};

/* The words of the command line that are not options, in order. */
static GPtrArray *
command_words (char **args)
{
  GPtrArray *words = g_ptr_array_new ();

  for (guint i = 1; args[i]; i++)
    if (args[i][0] != '-')
      g_ptr_array_add (words, args[i]);
  return words;
}

static const Command *
find_command (char **args)
{
  g_autoptr(GPtrArray) words = command_words (args);

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(GStrv) name = g_strsplit (commands[i].name, " ", -1);
      guint n = g_strv_length (name);
      gboolean match = words->len >= n;

      for (guint j = 0; match && j < n; j++)
        match = g_str_equal (name[j], g_ptr_array_index (words, j));
      if (match)
        return &commands[i];
    }
  return NULL;
}

/* GOption prints a summary as it is; paragraphs are wrapped here, after translation. */
static char *
wrap (const char *text,
      guint       width)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  GString *s = g_string_new (NULL);
  guint column = 0;

  for (guint i = 0; words[i]; i++)
    {
      guint length = g_utf8_strlen (words[i], -1);

      if (column > 0 && column + 1 + length > width)
        {
          g_string_append_c (s, '\n');
          column = 0;
        }
      else if (column > 0)
        {
          g_string_append_c (s, ' ');
          column++;
        }
      g_string_append (s, words[i]);
      column += length;
    }
  return g_string_free (s, FALSE);
}

static char *
command_list (void)
{
  GString *s = g_string_new (_("Watches the provisioning tokens of Provisio tenants."));

  g_autoptr(GPtrArray) usages = g_ptr_array_new_with_free_func (g_free);
  glong width = 0;

  /* One column for the usages, as wide as the longest (in characters: a
   * translation may have accents), and two spaces before the summaries */
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      char *usage = g_strdup_printf ("%s %s", commands[i].name, _(commands[i].parameters));

      g_ptr_array_add (usages, g_strstrip (usage));
      width = MAX (width, g_utf8_strlen (usage, -1));
    }
  g_string_append (s, "\n\n");
  g_string_append (s, _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      const char *usage = g_ptr_array_index (usages, i);

      g_string_append_printf (s, "\n  %s%*s  %s", usage, (int) (width - g_utf8_strlen (usage, -1)), "",
                              _(commands[i].summary));
    }
  g_string_append (s, "\n\n");
  g_string_append (s, _("“provisioctl COMMAND --help” tells more of each."));
  return g_string_free (s, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GPtrArray) words = NULL;
  g_auto(GStrv) args = NULL;
  const Command *command;
  const char *path;
  guint n_name;

  /* Standard output is for results (renew prints the secret alone there):
   * every log message, debug ones included, goes to standard error. */
  g_log_writer_default_set_use_stderr (TRUE);
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  args = g_strdupv (argv);
  command = find_command (args);
  if (command)
    {
      g_autofree char *parameter_string = g_strdup_printf ("%s %s", command->name, _(command->parameters));

      context = g_option_context_new (g_strstrip (parameter_string));
      g_autofree char *description = wrap (_(command->description), 76);

      g_option_context_set_summary (context, description);
      if (command->entries)
        g_option_context_add_main_entries (context, command->entries, GETTEXT_PACKAGE);
    }
  else
    {
      g_autofree char *list = command_list ();

      context = g_option_context_new (_("COMMAND…"));
      g_option_context_set_summary (context, list);
    }
  g_option_context_add_main_entries (context, main_entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);

  if (!g_option_context_parse_strv (context, &args, &error))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 2;
    }
  if (opt_version)
    {
      g_print ("provisioctl %s\n", PACKAGE_VERSION);
      return 0;
    }

  words = command_words (args);
  if (!command)
    {
      if (words->len == 0)
        g_printerr (_("provisioctl: a command is needed; see provisioctl --help\n"));
      else
        g_printerr (_("provisioctl: unknown command “%s”; see provisioctl --help\n"),
                    (const char *) g_ptr_array_index (words, 0));
      return 2;
    }

  n_name = 1 + (strchr (command->name, ' ') != NULL);
  if (words->len != n_name + command->n_args)
    {
      g_printerr (_("provisioctl: usage: provisioctl %s %s; see provisioctl %s --help\n"),
                  command->name, _(command->parameters), command->name);
      return 2;
    }

  path = g_getenv ("PROVISIO_TENANTS_FILE");
  file = path ? g_file_new_for_path (path) : pv_profiles_default_file ();
  g_ptr_array_add (words, NULL);
  return command->run (file, (char **) words->pdata + n_name);
}
