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

#include "pv-cache.h"
#include "pv-client.h"
#include "pv-credentials.h"
#include "pv-probe.h"
#include "pv-profiles.h"
#include "pv-time.h"
#include "pv-token.h"

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
static char *opt_description;

static const GOptionEntry entries[] = {
  { "json", 0, 0, G_OPTION_ARG_NONE, &opt_json, N_("status, events: print JSON for scripts"), NULL },
  { "offline", 0, 0, G_OPTION_ARG_NONE, &opt_offline,
    N_("status: show the last known state, without asking the tenants"), NULL },
  { "force", 0, 0, G_OPTION_ARG_NONE, &opt_force,
    N_("revoke: even the token the identity provider still uses"), NULL },
  { "retire", 0, 0, G_OPTION_ARG_STRING, &opt_retire,
    N_("renew: what becomes of the old token: on-first-use (default), now or never"), N_("WHEN") },
  { "description", 0, 0, G_OPTION_ARG_STRING, &opt_description,
    N_("renew: a note kept with the new token"), N_("TEXT") },
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Print the version and exit"), NULL },
  { NULL }
};

/* Waiting for one asynchronous result in this command's own main loop. */
static void
got_result_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static GPtrArray *
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
  PvTokenKind kind;
  guint index;

  if (!pv_profile_id_is_valid (id))
    {
      g_printerr (_("“%s” is not a usable name: use up to 40 letters, digits, dashes and underscores\n"), id);
      return 2;
    }
  key = read_secret (_("Admin API key: "));
  if (!pv_token_is_well_formed (key, &kind) || kind != PV_TOKEN_ADMIN)
    {
      g_printerr (_("That is not a Provisio admin API key (they start with pva_ and are 53 characters long)\n"));
      return 2;
    }

  /* Checked live before anything is kept. */
  client = pv_client_new (url, key);
  tenant = call (client, "GET", "/api/v1/tenant", &error);
  if (tenant == NULL)
    goto fail;

  label = g_strdup_printf (_("Provisio admin API key for %s (%s)"), id, url);
  pv_credentials_store_async (id, PV_CREDENTIAL_ADMIN_KEY, label, key, NULL, got_result_cb, &stored);
  if (!pv_credentials_store_finish (wait_for (&stored), &error))
    goto fail;

  if (!(profiles = load_profiles (file, &error)))
    goto fail;
  if (find_profile (profiles, id, &index))
    g_ptr_array_remove_index (profiles, index);
  {
    PvProfile *profile = g_new0 (PvProfile, 1);

    profile->id = g_strdup (id);
    profile->base_url = g_strdup (pv_client_get_base_url (client));
    g_ptr_array_add (profiles, profile);
  }
  if (!save_profiles (file, profiles, &error))
    goto fail;

  g_print (_("Added %s: tenant “%s” (%s), key of %s, %" G_GINT64_FORMAT " days left\n"), id,
           json_object_get_string_member (tenant, "name"), json_object_get_string_member (tenant, "id"),
           json_object_get_string_member (json_object_get_object_member (tenant, "api_key"), "owner"),
           json_object_get_int_member (json_object_get_object_member (tenant, "api_key"), "days_left"));
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
      g_print ("%-20s %s\n", p->id, p->base_url);
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
static PvClient *
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
  client = pv_client_new (profile->base_url, key);
  secret_password_free (key);
  return client;
}

static gboolean
kind_is_valid (const char *kind)
{
  if (g_strcmp0 (kind, "users") == 0 || g_strcmp0 (kind, "persons") == 0)
    return TRUE;
  g_printerr (_("provisioctl: the connection is “users” or “persons”, not “%s”\n"), kind);
  return FALSE;
}

/* renew TENANT KIND: the secret alone on standard output, once. */
static int
renew (GFile      *file,
       const char *id,
       const char *kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(JsonObject) issued = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/provisioning/%s/tokens", kind);
  JsonObject *token;
  const char *replaces;

  if (!kind_is_valid (kind))
    return 2;
  if (opt_retire && !g_strv_contains ((const char *[]) { "on-first-use", "now", "never", NULL }, opt_retire))
    {
      g_printerr (_("provisioctl: --retire is on-first-use, now or never\n"));
      return 2;
    }
  if (!(client = client_for (file, id, &error)))
    goto fail;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "retire");
  json_builder_add_string_value (b, opt_retire ? opt_retire : "on-first-use");
  if (opt_description)
    {
      json_builder_set_member_name (b, "description");
      json_builder_add_string_value (b, opt_description);
    }
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  pv_client_request_async (client, "POST", path, body, NULL, got_result_cb, &result);
  issued = pv_client_request_finish (client, wait_for (&result), &error);
  if (issued == NULL)
    goto fail;

  token = json_object_get_object_member (issued, "token");
  replaces = json_object_get_null_member (issued, "replaces") ? NULL
             : json_object_get_string_member (issued, "replaces");
  g_printerr (_("New %s token %s… of %s, expires %s.\n"), kind,
              json_object_get_string_member (token, "prefix"), id,
              json_object_get_string_member (token, "expires_at"));
  g_printerr (_("Paste it as the secret token of the identity provider's app for %s, with the tenant URL %s\n"),
              g_str_equal (kind, "users") ? _("Users") : _("Persons"),
              json_object_get_string_member (issued, "scim_base_url"));
  if (replaces != NULL)
    g_printerr (_("The token it replaces (%s) retires: %s.\n"), replaces,
                json_object_get_string_member (issued, "retire"));
  g_print ("%s\n", json_object_get_string_member (issued, "secret"));
  return 0;

fail:
  g_printerr ("provisioctl: %s\n", error->message);
  return 1;
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

  if (!kind_is_valid (kind))
    return 2;
  if (!(client = client_for (file, id, &error)))
    goto fail;
  path = g_strdup_printf ("/api/v1/provisioning/%s/tokens/%s%s", kind, token_id,
                          opt_force ? "?force=true" : "");
  if (!(gone = call (client, "DELETE", path, &error)))
    goto fail;
  g_print (_("Revoked %s (%s…); listed as deleted until %s\n"), token_id,
           json_object_get_string_member (gone, "prefix"), json_object_get_string_member (gone, "expires_at"));
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
  g_autofree char *path = g_strdup_printf ("/api/v1/provisioning/%s/events?limit=50", kind);
  JsonArray *list;

  if (!kind_is_valid (kind))
    return 2;
  if (!(client = client_for (file, id, &error)) || !(answer = call (client, "GET", path, &error)))
    {
      g_printerr ("provisioctl: %s\n", error->message);
      return 1;
    }
  list = json_object_get_array_member (answer, "events");
  if (opt_json)
    {
      g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), list);
      g_autofree char *text = json_to_string (node, TRUE);

      g_print ("%s\n", text);
      return 0;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *e = json_array_get_object_element (list, i);

      g_print ("%s  %-16s %-12s %-28s %s\n", json_object_get_string_member (e, "at"),
               json_object_get_string_member (e, "type"),
               json_object_get_null_member (e, "token_prefix") ? "" : json_object_get_string_member (e, "token_prefix"),
               json_object_get_string_member (e, "operation"),
               json_object_get_null_member (e, "detail") ? "" : json_object_get_string_member (e, "detail"));
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

static void
remembered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!pv_cache_save_finish (result, &error))
    g_printerr (_("provisioctl: could not keep the state for offline use: %s\n"), error->message);
  g_ptr_array_add (user_data, g_object_ref (result));
}

typedef struct {
  PvProfile  *profile;
  PvClient   *client;
  JsonObject *provisioning;
  JsonObject *reminders;
  GError     *error;
  gint64      fetched_at;   /* 0: just now */
} TenantState;

typedef struct {
  GPtrArray *profiles;  /* PvProfile, which the states point into */
  GPtrArray *tenants;   /* TenantState */
  guint      pending;
} Survey;

static void
tenant_state_free (TenantState *t)
{
  g_clear_object (&t->client);
  g_clear_pointer (&t->provisioning, json_object_unref);
  g_clear_pointer (&t->reminders, json_object_unref);
  g_clear_error (&t->error);
  g_free (t);
}

typedef struct {
  Survey      *survey;
  TenantState *tenant;
  JsonObject **slot;
} Pending;

static void
answered_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Pending *p = user_data;
  GError *error = NULL;

  *p->slot = pv_client_request_finish (PV_CLIENT (source), result, &error);
  if (error != NULL && p->tenant->error == NULL)
    p->tenant->error = error;
  else
    g_clear_error (&error);
  p->survey->pending--;
  g_free (p);
}

static void
ask (Survey      *survey,
     TenantState *t,
     const char  *path,
     JsonObject **slot)
{
  Pending *p = g_new0 (Pending, 1);

  p->survey = survey;
  p->tenant = t;
  p->slot = slot;
  survey->pending++;
  pv_client_request_async (t->client, "GET", path, NULL, NULL, answered_cb, p);
}

static gboolean
survey_all (GFile   *file,
            Survey  *survey,
            GError **error)
{
  g_autoptr(GPtrArray) profiles = load_profiles (file, error);
  g_autoptr(GAsyncResult) found = NULL;
  g_autoptr(GHashTable) keys = NULL;

  if (profiles == NULL)
    return FALSE;
  survey->tenants = g_ptr_array_new_with_free_func ((GDestroyNotify) tenant_state_free);
  survey->profiles = g_ptr_array_ref (profiles);
  if (profiles->len == 0)
    return TRUE;

  pv_credentials_lookup_all_async (PV_CREDENTIAL_ADMIN_KEY, NULL, got_result_cb, &found);
  keys = pv_credentials_lookup_all_finish (wait_for (&found), error);
  if (keys == NULL)
    return FALSE;

  for (guint i = 0; i < profiles->len; i++)
    {
      TenantState *t = g_new0 (TenantState, 1);
      const char *key;

      t->profile = g_ptr_array_index (profiles, i);
      g_ptr_array_add (survey->tenants, t);
      key = g_hash_table_lookup (keys, t->profile->id);
      if (key == NULL)
        {
          t->error = g_error_new (PV_ERROR, PV_ERROR_KEYRING_NOT_FOUND,
                                  _("The keyring holds no admin API key for this tenant, or it is locked"));
          continue;
        }
      t->client = pv_client_new (t->profile->base_url, key);
      ask (survey, t, "/api/v1/provisioning", &t->provisioning);
      ask (survey, t, "/api/v1/reminders", &t->reminders);
    }
  while (survey->pending > 0)
    g_main_context_iteration (NULL, TRUE);
  return TRUE;
}

/* The last known state of every tenant, from the cache. */
static gboolean
survey_cached (GFile   *file,
               Survey  *survey,
               GError **error)
{
  g_autoptr(GPtrArray) profiles = load_profiles (file, error);

  if (profiles == NULL)
    return FALSE;
  survey->tenants = g_ptr_array_new_with_free_func ((GDestroyNotify) tenant_state_free);
  survey->profiles = g_ptr_array_ref (profiles);
  for (guint i = 0; i < profiles->len; i++)
    {
      TenantState *t = g_new0 (TenantState, 1);
      g_autoptr(GAsyncResult) loaded = NULL;
      g_autoptr(JsonObject) state = NULL;

      t->profile = g_ptr_array_index (profiles, i);
      g_ptr_array_add (survey->tenants, t);
      pv_cache_load_async (t->profile->id, NULL, got_result_cb, &loaded);
      state = pv_cache_load_finish (wait_for (&loaded), &t->fetched_at, &t->error);
      if (state == NULL)
        continue;
      if (!json_object_has_member (state, "provisioning") || !json_object_has_member (state, "reminders"))
        {
          t->error = g_error_new (G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The saved state of this tenant is damaged"));
          continue;
        }
      t->provisioning = json_object_ref (json_object_get_object_member (state, "provisioning"));
      t->reminders = json_object_ref (json_object_get_object_member (state, "reminders"));
    }
  return TRUE;
}

/* Keeps what the tenants answered, for the next time there is no network. */
static void
remember (Survey *survey)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  guint expected = 0;

  for (guint i = 0; i < survey->tenants->len; i++)
    {
      TenantState *t = g_ptr_array_index (survey->tenants, i);
      g_autoptr(JsonObject) state = NULL;

      if (t->error != NULL || t->fetched_at != 0)
        continue;
      state = json_object_new ();
      json_object_set_object_member (state, "provisioning", json_object_ref (t->provisioning));
      json_object_set_object_member (state, "reminders", json_object_ref (t->reminders));
      pv_cache_save_async (t->profile->id, state, NULL, remembered_cb, results);
      expected++;
    }
  while (results->len < expected)
    g_main_context_iteration (NULL, TRUE);
}

static void
survey_clear (Survey *survey)
{
  g_clear_pointer (&survey->tenants, g_ptr_array_unref);
  g_clear_pointer (&survey->profiles, g_ptr_array_unref);
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
        g_printerr (_("provisioctl: this computer's clock is %" G_GINT64_FORMAT " minutes %s %s's; "
                      "expiry is computed with the tenant's clock\n"),
                    ABS (skew) / 60, skew > 0 ? _("behind") : _("ahead of"), t->profile->id);
    }
}

static int
status (GFile *file)
{
  g_autoptr(GError) error = NULL;
  Survey survey = { 0 };
  int status = 0;

  if (!(opt_offline ? survey_cached (file, &survey, &error) : survey_all (file, &survey, &error)))
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
          g_autofree char *when = t->fetched_at ? pv_time_format (t->fetched_at) : NULL;

          if (when != NULL)
            g_printerr (_("provisioctl: %s as of %s\n"), t->profile->id, when);
        }
    }
  else
    {
      warn_about_clocks (&survey);
      remember (&survey);
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
          json_builder_set_member_name (b, "fetched_at");
          if (t->fetched_at != 0)
            {
              g_autofree char *when = pv_time_format (t->fetched_at);
              json_builder_add_string_value (b, when);
            }
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "error");
          if (t->error)
            json_builder_add_string_value (b, t->error->message);
          else
            json_builder_add_null_value (b);
          json_builder_set_member_name (b, "connections");
          if (t->provisioning)
            json_builder_add_value (b, json_node_ref (json_object_get_member (t->provisioning, "connections")));
          else
            {
              json_builder_begin_array (b);
              json_builder_end_array (b);
            }
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
          JsonArray *connections;

          if (t->error != NULL)
            {
              g_print ("%-14s %s\n", t->profile->id, t->error->message);
              status = 1;
              continue;
            }
          connections = json_object_get_array_member (t->provisioning, "connections");
          for (guint c = 0; c < json_array_get_length (connections); c++)
            {
              JsonObject *conn = json_array_get_object_element (connections, c);
              JsonArray *tokens = json_object_get_array_member (conn, "tokens");

              if (json_array_get_length (tokens) == 0)
                g_print ("%-14s %-8s %s\n", t->profile->id, json_object_get_string_member (conn, "kind"),
                         _("(no token)"));
              for (guint k = 0; k < json_array_get_length (tokens); k++)
                {
                  JsonObject *tok = json_array_get_object_element (tokens, k);

                  g_print ("%-14s %-8s %-12s %-20s %6" G_GINT64_FORMAT "  %s\n", t->profile->id,
                           json_object_get_string_member (conn, "kind"),
                           json_object_get_string_member (tok, "prefix"),
                           json_object_get_string_member (tok, "expires_at"),
                           json_object_get_int_member (tok, "days_left"),
                           json_object_get_string_member (tok, "state"));
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

  if (!survey_all (file, &survey, &error))
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
      JsonArray *items;

      if (t->error != NULL)
        {
          n_unknown++;
          g_string_append_printf (details, "%s%s: %s", details->len ? "; " : "", t->profile->id,
                                  t->error->message);
          continue;
        }
      items = json_object_get_array_member (t->reminders, "items");
      for (guint k = 0; k < json_array_get_length (items); k++)
        {
          JsonObject *item = json_array_get_object_element (items, k);
          const char *state = json_object_get_string_member (item, "state");
          const char *connection = json_object_get_null_member (item, "connection") ? NULL
                                   : json_object_get_string_member (item, "connection");
          int level = g_str_equal (state, "ok") ? CHECK_OK :
                      g_str_equal (state, "due-soon") ? CHECK_WARNING : CHECK_CRITICAL;
          gint64 days = json_object_get_int_member (item, "days_left");

          n_items++;
          worst = MAX (worst, level);
          if (level == CHECK_OK)
            continue;
          if (details->len > 0)
            g_string_append (details, "; ");
          if (days <= 0)
            /* Translators: tenant/connection, such as contoso/persons */
            g_string_append_printf (details, _("%s/%s expired"), t->profile->id,
                                    connection ? connection : "sso-certificate");
          else
            g_string_append_printf (details,
                                    /* Translators: tenant/connection and days left */
                                    g_dngettext (GETTEXT_PACKAGE,
                                                 "%s/%s expires in %" G_GINT64_FORMAT " day",
                                                 "%s/%s expires in %" G_GINT64_FORMAT " days", days),
                                    t->profile->id, connection ? connection : "sso-certificate", days);
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

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_auto(GStrv) args = NULL;
  const char *path;
  guint n;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new (_("COMMAND…"));
  g_option_context_set_summary (context,
    _("Watches the provisioning tokens of Provisio tenants.\n\n"
      "  tenant add NAME URL   add a tenant; the admin API key is read from the\n"
      "                        terminal or standard input and kept in the keyring\n"
      "  tenant list           the tenants added\n"
      "  tenant remove NAME    forget a tenant and its key\n"
      "  status [--json] [--offline]\n"
      "                        every token of every tenant, with days left; the\n"
      "                        last known state without a network\n"
      "  check                 for monitoring: exit 0 ok, 1 due soon, 2 urgent or\n"
      "                        expired, 3 unknown, with a one-line summary\n"
      "  renew NAME KIND       issue a new token for users or persons; the secret\n"
      "                        is printed once, alone, on standard output\n"
      "  revoke NAME KIND ID   revoke a token (--force if the IdP still uses it)\n"
      "  events NAME KIND      recent SCIM changes and token events\n"
      "  test URL              test a SCIM base URL with a token read from the\n"
      "                        terminal or standard input, as an IdP would"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  args = g_strdupv (argv);
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

  path = g_getenv ("PROVISIO_TENANTS_FILE");
  file = path ? g_file_new_for_path (path) : pv_profiles_default_file ();
  n = g_strv_length (args);

  if (n == 5 && g_str_equal (args[1], "tenant") && g_str_equal (args[2], "add"))
    return tenant_add (file, args[3], args[4]);
  if (n == 3 && g_str_equal (args[1], "tenant") && g_str_equal (args[2], "list"))
    return tenant_list (file);
  if (n == 4 && g_str_equal (args[1], "tenant") && g_str_equal (args[2], "remove"))
    return tenant_remove (file, args[3]);
  if (n == 2 && g_str_equal (args[1], "status"))
    return status (file);
  if (n == 2 && g_str_equal (args[1], "check"))
    return check (file);
  if (n == 4 && g_str_equal (args[1], "renew"))
    return renew (file, args[2], args[3]);
  if (n == 5 && g_str_equal (args[1], "revoke"))
    return revoke_token (file, args[2], args[3], args[4]);
  if (n == 4 && g_str_equal (args[1], "events"))
    return events (file, args[2], args[3]);
  if (n == 3 && g_str_equal (args[1], "test"))
    return test_connection (args[2]);

  g_printerr (_("provisioctl: unknown command; see provisioctl --help\n"));
  return 2;
}
