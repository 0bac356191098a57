/* pv-entra.c: the Entra apps that provision a tenant, and handing them a new token
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisio"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "pv-entra.h"
#include "pv-error.h"
#include "pv-files.h"
#include "pv-guide.h"
#include "pv-graph-private.h"
#include "pv-json-read.h"
#include "pv-overview.h"
#include "pv-profiles.h"
#include "pv-tenant-info.h"
#include "pv-time.h"
#include "pv-token.h"
#include "pv-token-info.h"

/* Everything here goes through Microsoft Graph's synchronization API:
 * /servicePrincipals/{id}/synchronization/jobs, .../secrets,
 * .../jobs/{id}/validateCredentials and .../restart.  Answers are read
 * defensively: a member of the wrong type is an INVALID_RESPONSE, never a
 * crash. */

#define ENTRA_CYCLE (40 * 60)

static void
invalid (GError    **error,
         const char *what)
{
  g_set_error (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_INVALID_RESPONSE,
               _("Microsoft Graph's answer has no usable “%s”"), what);
}

static gint64
member_time (JsonObject *object,
             const char *member)
{
  gint64 when;

  if (!pv_time_parse (pv_json_string_member (object, member), &when))
    return 0;
  return when;
}

/* -- jobs --------------------------------------------------------------- */

void
pv_entra_job_free (PvEntraJob *job)
{
  if (job == NULL)
    return;
  g_free (job->id);
  g_free (job->template_id);
  g_free (job->status);
  g_free (job->quarantine_reason);
  g_free (job->quarantine_error);
  g_free (job->last_run_state);
  g_free (job);
}

/**
 * pv_entra_job_new_from_json:
 * @object: a synchronizationJob as Graph sends it
 *
 * Returns: (transfer full) (nullable): the job, or %NULL if @object lacks
 *   its id or status code
 */
PvEntraJob *
pv_entra_job_new_from_json (JsonObject  *object,
                            GError     **error)
{
  g_autoptr(PvEntraJob) job = g_new0 (PvEntraJob, 1);
  JsonObject *status = pv_json_object_member (object, "status");
  JsonObject *quarantine = pv_json_object_member (status, "quarantine");
  JsonObject *success = pv_json_object_member (status, "lastSuccessfulExecution");
  JsonObject *last = pv_json_object_member (status, "lastExecution");
  const char *id = pv_json_string_member (object, "id");
  const char *code = pv_json_string_member (status, "code");

  if (id == NULL || *id == '\0')
    {
      invalid (error, "id");
      return NULL;
    }
  if (code == NULL)
    {
      invalid (error, "status.code");
      return NULL;
    }
  job->id = g_strdup (id);
  job->template_id = g_strdup (pv_json_string_member (object, "templateId"));
  job->status = g_strdup (code);
  job->quarantine_reason = g_strdup (pv_json_string_member (quarantine, "reason"));
  job->quarantine_since = member_time (quarantine, "seriesBegan");
  if (job->quarantine_since == 0)
    job->quarantine_since = member_time (quarantine, "currentBegan");
  job->quarantine_error = g_strdup (pv_json_string_member (pv_json_object_member (quarantine, "error"), "message"));
  if (job->quarantine_error == NULL)
    job->quarantine_error = g_strdup (pv_json_string_member (pv_json_object_member (last, "error"), "message"));
  job->last_success_at = member_time (success, "timeEnded");
  if (job->last_success_at == 0)
    job->last_success_at = member_time (success, "timeBegan");
  job->last_run_at = member_time (last, "timeEnded");
  job->last_run_state = g_strdup (pv_json_string_member (last, "state"));
  return g_steal_pointer (&job);
}

PvEntraJob *
pv_entra_job_copy (const PvEntraJob *job)
{
  PvEntraJob *copy = g_new0 (PvEntraJob, 1);

  copy->id = g_strdup (job->id);
  copy->template_id = g_strdup (job->template_id);
  copy->status = g_strdup (job->status);
  copy->quarantine_reason = g_strdup (job->quarantine_reason);
  copy->quarantine_since = job->quarantine_since;
  copy->quarantine_error = g_strdup (job->quarantine_error);
  copy->last_success_at = job->last_success_at;
  copy->last_run_at = job->last_run_at;
  copy->last_run_state = g_strdup (job->last_run_state);
  return copy;
}

gboolean
pv_entra_job_in_quarantine (const PvEntraJob *job)
{
  return job != NULL && g_ascii_strcasecmp (job->status, "Quarantine") == 0;
}

/**
 * pv_entra_job_describe:
 *
 * Returns: the job's state and last good run in a sentence
 */
char *
pv_entra_job_describe (const PvEntraJob *job,
                       gint64            now)
{
  g_autofree char *success = job->last_success_at > 0
    ? pv_format_relative (job->last_success_at, now) : NULL;
  g_autofree char *last = success != NULL
    /* Translators: %s is "12 minutes ago" */
    ? g_strdup_printf (_("last successful run %s"), success)
    : g_strdup (_("no successful run yet"));

  if (pv_entra_job_in_quarantine (job))
    {
      g_autofree char *since = job->quarantine_since > 0 ? pv_format_date (job->quarantine_since) : NULL;

      /* Translators: a date, a reason code from Microsoft, "last successful run …" */
      return g_strdup_printf (_("In quarantine since %s (%s); %s"),
                              since != NULL ? since : _("an unknown date"),
                              job->quarantine_reason != NULL ? job->quarantine_reason : _("no reason given"),
                              last);
    }
  if (g_ascii_strcasecmp (job->status, "Active") == 0)
    /* Translators: %s is "last successful run 12 minutes ago" */
    return g_strdup_printf (_("Active; %s"), last);
  if (g_ascii_strcasecmp (job->status, "Paused") == 0)
    return g_strdup_printf (_("Paused by an administrator; %s"), last);
  if (g_ascii_strcasecmp (job->status, "NotRun") == 0)
    return g_strdup (_("Started, first run not finished"));
  if (g_ascii_strcasecmp (job->status, "NotConfigured") == 0)
    return g_strdup (_("Not configured in Entra"));
  /* Translators: %s is Microsoft's status code */
  return g_strdup_printf (_("Status %s"), job->status);
}

/**
 * pv_entra_job_cycle_since:
 * @since: when the new token was handed to the job
 *
 * Whether Entra provisions with a token handed over at @since: only a
 * cycle that ended after it tells.  A job in quarantine since then, or
 * whose last run since then failed, does not; one still in the quarantine
 * it was in before waits for its restart.  A run with errors on some
 * users or groups only (EntryLevelErrors) got past the token.
 *
 * Returns: what the job did since @since
 */
PvEntraCycle
pv_entra_job_cycle_since (const PvEntraJob *job,
                          gint64            since)
{
  if (pv_entra_job_in_quarantine (job))
    return job->quarantine_since > since ? PV_ENTRA_CYCLE_FAILED : PV_ENTRA_CYCLE_WAITING;
  /* The last run, whatever came before it; one that ended the very second
   * of the hand-over may have been the old token's: the next one tells. */
  if (job->last_run_at > since && g_strcmp0 (job->last_run_state, "Failed") == 0)
    return PV_ENTRA_CYCLE_FAILED;
  if (job->last_success_at > since)
    return PV_ENTRA_CYCLE_SUCCEEDED;
  /* Errors on some users or groups only: the token itself was accepted. */
  if (job->last_run_at > since && g_strcmp0 (job->last_run_state, "EntryLevelErrors") == 0)
    return PV_ENTRA_CYCLE_SUCCEEDED;
  return PV_ENTRA_CYCLE_WAITING;
}

void
pv_entra_app_free (PvEntraApp *app)
{
  if (app == NULL)
    return;
  g_free (app->service_principal_id);
  g_free (app->display_name);
  g_free (app->base_address);
  pv_entra_job_free (app->job);
  g_free (app->problem);
  g_free (app);
}

/* -- matching ----------------------------------------------------------- */

/**
 * pv_entra_urls_match:
 *
 * Returns: whether @a and @b name the same SCIM base URL: scheme and host
 *   in any case, default ports, a trailing slash or not
 */
gboolean
pv_entra_urls_match (const char *a,
                     const char *b)
{
  g_autoptr(GUri) ua = NULL;
  g_autoptr(GUri) ub = NULL;
  g_autofree char *pa = NULL;
  g_autofree char *pb = NULL;
  g_autofree char *ta = NULL;
  g_autofree char *tb = NULL;

  if (a == NULL || b == NULL)
    return FALSE;
  ta = g_strstrip (g_strdup (a));
  tb = g_strstrip (g_strdup (b));
  /* SCHEME_NORMALIZE: https's 443 and http's 80 are no port at all. */
  ua = g_uri_parse (ta, G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
  ub = g_uri_parse (tb, G_URI_FLAGS_SCHEME_NORMALIZE, NULL);
  if (ua == NULL || ub == NULL || g_uri_get_host (ua) == NULL || g_uri_get_host (ub) == NULL)
    return FALSE;
  pa = g_strdup (g_uri_get_path (ua));
  pb = g_strdup (g_uri_get_path (ub));
  while (strlen (pa) > 0 && pa[strlen (pa) - 1] == '/')
    pa[strlen (pa) - 1] = '\0';
  while (strlen (pb) > 0 && pb[strlen (pb) - 1] == '/')
    pb[strlen (pb) - 1] = '\0';
  return g_ascii_strcasecmp (g_uri_get_scheme (ua), g_uri_get_scheme (ub)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (ua), g_uri_get_host (ub)) == 0 &&
         g_uri_get_port (ua) == g_uri_get_port (ub) &&
         strcmp (pa, pb) == 0;
}

/**
 * pv_entra_match:
 * @apps: (element-type PvEntraApp): what discovery found
 * @scim_base_url: a connection's SCIM base URL
 *
 * Returns: the index of the one app whose job uses @scim_base_url, or -1
 *   if none or several do (then the admin chooses)
 */
gint
pv_entra_match (GPtrArray  *apps,
                const char *scim_base_url)
{
  gint found = -1;

  for (guint i = 0; i < apps->len; i++)
    {
      PvEntraApp *app = g_ptr_array_index (apps, i);

      if (pv_entra_urls_match (app->base_address, scim_base_url))
        {
          if (found >= 0)
            return -1;
          found = (gint) i;
        }
    }
  return found;
}

/* -- discovery ---------------------------------------------------------- */

/* The directory's estate: every service principal, from Graph's delta query
 * ("servicePrincipal: delta", learn.microsoft.com/graph/api/
 * serviceprincipal-delta; "Use delta query to track changes in Microsoft
 * Graph data"), with the properties a SAML app's signing certificate needs,
 * then each app's provisioning jobs through JSON batches of 20 (see
 * pv_graph_batch_async()).  The first refresh reads everything; a later one
 * follows the @odata.deltaLink Graph gave, so that only new, changed and
 * removed service principals come back, and reads again the jobs of those
 * and of the apps that provision (a job's state is not a property of its
 * service principal, so no delta tells of it). */

#define DELTA_QUERY "/servicePrincipals/delta?$select=id,displayName,preferredSingleSignOnMode," \
                    "preferredTokenSigningKeyThumbprint,keyCredentials"

void
pv_entra_saml_app_free (PvEntraSamlApp *app)
{
  if (app == NULL)
    return;
  g_free (app->service_principal_id);
  g_free (app->display_name);
  g_free (app->thumbprint);
  g_free (app->subject);
  g_free (app);
}

static PvEntraSamlApp *
saml_app_copy (const PvEntraSamlApp *app)
{
  PvEntraSamlApp *copy = g_new0 (PvEntraSamlApp, 1);

  copy->service_principal_id = g_strdup (app->service_principal_id);
  copy->display_name = g_strdup (app->display_name);
  copy->thumbprint = g_strdup (app->thumbprint);
  copy->subject = g_strdup (app->subject);
  copy->not_after = app->not_after;
  return copy;
}

static PvEntraApp *
app_copy (const PvEntraApp *app)
{
  PvEntraApp *copy = g_new0 (PvEntraApp, 1);

  copy->service_principal_id = g_strdup (app->service_principal_id);
  copy->display_name = g_strdup (app->display_name);
  copy->base_address = g_strdup (app->base_address);
  copy->job = app->job != NULL ? pv_entra_job_copy (app->job) : NULL;
  copy->problem = g_strdup (app->problem);
  return copy;
}

/* A key credential's customKeyIdentifier is binary (base64 in JSON); for
 * the certificates Entra makes for SAML it holds the certificate's SHA-1
 * thumbprint, which preferredTokenSigningKeyThumbprint gives in hex. */
static gboolean
key_has_thumbprint (JsonObject *key,
                    const char *thumbprint)
{
  const char *identifier = pv_json_string_member (key, "customKeyIdentifier");
  g_autofree guchar *bytes = NULL;
  g_autoptr(GString) hex = NULL;
  gsize length = 0;

  if (identifier == NULL || strlen (identifier) > 256)
    return FALSE;
  if (g_ascii_strcasecmp (identifier, thumbprint) == 0)
    return TRUE;
  bytes = g_base64_decode (identifier, &length);
  hex = g_string_new (NULL);
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (hex, "%02X", bytes[i]);
  return length > 0 && g_ascii_strcasecmp (hex->str, thumbprint) == 0;
}

/**
 * pv_entra_saml_app_new_from_json:
 * @object: a service principal as Graph lists it
 *
 * The active signing certificate of a SAML app: among its keyCredentials,
 * the "Sign" key whose identifier is the certificate
 * preferredTokenSigningKeyThumbprint names (Entra keeps a "Verify" key of
 * each certificate beside it, and inactive certificates too).
 *
 * Returns: (transfer full) (nullable): %NULL if @object is not a SAML app;
 *   @not_after is 0 if no key is the one the thumbprint names
 */
PvEntraSamlApp *
pv_entra_saml_app_new_from_json (JsonObject *object)
{
  const char *mode = pv_json_string_member (object, "preferredSingleSignOnMode");
  const char *thumbprint = pv_json_string_member (object, "preferredTokenSigningKeyThumbprint");
  JsonArray *keys = pv_json_array_member (object, "keyCredentials");
  PvEntraSamlApp *app;

  if (g_strcmp0 (mode, "saml") != 0)
    return NULL;
  app = g_new0 (PvEntraSamlApp, 1);
  app->service_principal_id = g_strdup (pv_json_string_member (object, "id"));
  app->display_name = g_strdup (pv_json_string_member (object, "displayName"));
  if (thumbprint != NULL && strlen (thumbprint) <= 128)
    app->thumbprint = g_ascii_strup (thumbprint, -1);
  for (guint i = 0; app->thumbprint != NULL && keys != NULL && i < json_array_get_length (keys); i++)
    {
      JsonNode *node = json_array_get_element (keys, i);
      JsonObject *key = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      if (key == NULL || g_strcmp0 (pv_json_string_member (key, "usage"), "Sign") != 0 ||
          !key_has_thumbprint (key, app->thumbprint))
        continue;
      app->not_after = member_time (key, "endDateTime");
      g_free (app->subject);
      app->subject = g_strdup (pv_json_string_member (key, "displayName"));
      if (app->not_after != 0)
        break;
    }
  return app;
}

#define SAML_INFO_PREFIX "entra-saml-"

/**
 * pv_entra_saml_info_get_app_name:
 *
 * Returns: (nullable): for a SAML app's certificate as
 *   pv_entra_saml_app_new_info() gives it, the app's name; else %NULL
 */
const char *
pv_entra_saml_info_get_app_name (PvTenantInfo *info)
{
  if (!g_str_has_prefix (pv_tenant_info_get_id (info), SAML_INFO_PREFIX))
    return NULL;
  return pv_tenant_info_get_name (info);
}

/**
 * pv_entra_saml_app_new_info:
 * @app: a SAML app and its active signing certificate
 *
 * The app's certificate in the shape of a tenant's SSO state, so that the
 * dashboard's timeline and next actions, the reminders and the calendar
 * treat it as they treat a tenant's SSO certificate: one more source of
 * rows, computed where the others are.
 *
 * Returns: (transfer full): the app as the dashboard sees a tenant
 */
PvTenantInfo *
pv_entra_saml_app_new_info (const PvEntraSamlApp *app)
{
  g_autofree char *id = g_strconcat (SAML_INFO_PREFIX, app->service_principal_id, NULL);
  PvProfile profile = { id, (char *) "https://entra.microsoft.com", NULL, FALSE };
  PvTenantInfo *info = pv_tenant_info_new (&profile);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(GError) error = NULL;

  pv_tenant_info_set_keeps_state (info, FALSE);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "tenant");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, app->display_name != NULL ? app->display_name : app->service_principal_id);
  json_builder_set_member_name (builder, "api_key");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "owner");
  json_builder_add_string_value (builder, "Microsoft Entra");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "sso");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "configured");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "protocol");
  json_builder_add_string_value (builder, "saml");
  for (guint i = 0; i < 4; i++)
    {
      json_builder_set_member_name (builder, (const char *[]) { "entity_id", "reply_url", "sign_on_url", "metadata_url" }[i]);
      json_builder_add_string_value (builder, "");
    }
  json_builder_set_member_name (builder, "idp_entity_id");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "enforced");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_set_member_name (builder, "certificate");
  if (app->not_after > 0)
    {
      g_autofree char *not_after = pv_time_format (app->not_after);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "subject");
      json_builder_add_string_value (builder, app->subject);
      json_builder_set_member_name (builder, "fingerprint_sha256");
      json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "not_after");
      json_builder_add_string_value (builder, not_after);
      /* Judged when shown, as any expiry on the dashboard. */
      json_builder_set_member_name (builder, "state");
      json_builder_add_null_value (builder);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  state = json_builder_get_root (builder);
  if (!pv_tenant_info_update_from_json (info, json_node_get_object (state), &error))
    g_critical ("A SAML app's certificate does not read as a tenant's: %s", error->message);
  return info;
}

/* The SAML certificates of the last import, kept between runs so that the
 * overview, the reminders (the app's and the timer's provisioctl remind) and
 * the calendar know them before, or without, the next import.  Only what
 * Graph lists of any app to any reader: names, thumbprints and dates. */

#define SAML_GROUP_PREFIX "saml "

/**
 * pv_entra_saml_state_file:
 *
 * Returns: (transfer full): $XDG_STATE_HOME/provisio/entra-saml.ini
 */
GFile *
pv_entra_saml_state_file (void)
{
  return pv_file_new_for_state ("entra-saml.ini");
}

/* A service principal id as a group name may hold it (no brackets, no
 * line ends) */
static gboolean
saml_id_valid (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 128 || !g_utf8_validate (id, -1, NULL))
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (*p == '[' || *p == ']' || g_ascii_iscntrl (*p))
      return FALSE;
  return TRUE;
}

/**
 * pv_entra_saml_apps_to_bytes:
 * @apps: (element-type PvEntraSamlApp): SAML apps
 *
 * Returns: (transfer full): @apps as the state file keeps them
 */
GBytes *
pv_entra_saml_apps_to_bytes (GPtrArray *apps)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  char *data;
  gsize length;

  for (guint i = 0; i < apps->len; i++)
    {
      PvEntraSamlApp *app = g_ptr_array_index (apps, i);
      g_autofree char *group = NULL;

      if (!saml_id_valid (app->service_principal_id))
        continue;
      group = g_strconcat (SAML_GROUP_PREFIX, app->service_principal_id, NULL);
      if (app->display_name != NULL)
        g_key_file_set_string (file, group, "name", app->display_name);
      if (app->thumbprint != NULL)
        g_key_file_set_string (file, group, "thumbprint", app->thumbprint);
      if (app->subject != NULL)
        g_key_file_set_string (file, group, "subject", app->subject);
      if (app->not_after != 0)
        {
          g_autofree char *not_after = pv_time_format (app->not_after);

          g_key_file_set_string (file, group, "not-after", not_after);
        }
      else
        g_key_file_set_string (file, group, "not-after", "");
    }
  data = g_key_file_to_data (file, &length, NULL);
  return g_bytes_new_take (data, length);
}

/**
 * pv_entra_saml_apps_from_data:
 * @data: the state file's contents (pv_entra_saml_apps_to_bytes())
 *
 * Returns: (transfer full) (element-type PvEntraSamlApp): the SAML apps
 *   kept, or %NULL with @error if @data is not such a file
 */
GPtrArray *
pv_entra_saml_apps_from_data (const char  *data,
                              gsize        length,
                              GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_entra_saml_app_free);
  g_auto(GStrv) groups = NULL;

  if (!g_key_file_load_from_data (file, data, length, G_KEY_FILE_NONE, error))
    return NULL;
  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      const char *id = groups[i] + strlen (SAML_GROUP_PREFIX);
      g_autofree char *not_after = NULL;
      PvEntraSamlApp *app;

      if (!g_str_has_prefix (groups[i], SAML_GROUP_PREFIX) || !saml_id_valid (id))
        continue;
      app = g_new0 (PvEntraSamlApp, 1);
      app->service_principal_id = g_strdup (id);
      app->display_name = g_key_file_get_string (file, groups[i], "name", NULL);
      app->thumbprint = g_key_file_get_string (file, groups[i], "thumbprint", NULL);
      app->subject = g_key_file_get_string (file, groups[i], "subject", NULL);
      not_after = g_key_file_get_string (file, groups[i], "not-after", NULL);
      if (not_after != NULL && *not_after != '\0' && !pv_time_parse (not_after, &app->not_after))
        app->not_after = 0;
      g_ptr_array_add (apps, app);
    }
  return g_steal_pointer (&apps);
}

/**
 * pv_entra_saml_apps_new_infos:
 * @apps: (element-type PvEntraSamlApp): SAML apps
 *
 * Returns: (transfer full) (element-type PvTenantInfo): the certificates
 *   whose expiry is known, each as pv_entra_saml_app_new_info() gives it
 */
GPtrArray *
pv_entra_saml_apps_new_infos (GPtrArray *apps)
{
  GPtrArray *infos = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < apps->len; i++)
    {
      PvEntraSamlApp *app = g_ptr_array_index (apps, i);

      if (app->not_after != 0)
        g_ptr_array_add (infos, pv_entra_saml_app_new_info (app));
    }
  return infos;
}

/**
 * pv_entra_saml_describe_steps:
 * @info: a SAML app's certificate (pv_entra_saml_app_new_info())
 *
 * Returns: (transfer full) (nullable): the Entra steps to add and activate
 *   a new certificate and give it to the app (data/guides/entra-saml.guide),
 *   numbered, each its title on a line and its detail on the next, a blank
 *   line between them; %NULL if @info is not a SAML app's
 */
char *
pv_entra_saml_describe_steps (PvTenantInfo *info)
{
  const char *name = pv_entra_saml_info_get_app_name (info);
  g_autoptr(GPtrArray) steps = NULL;
  GString *text;

  if (name == NULL || (steps = pv_guide_steps ("entra", "saml", "users", name, "", NULL)) == NULL)
    return NULL;
  text = g_string_new (NULL);
  for (guint i = 0; i < steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (steps, i);

      g_string_append_printf (text, "%s%u. %s\n%s", i > 0 ? "\n\n" : "", i + 1, step->title, step->detail);
    }
  return g_string_free (text, FALSE);
}

typedef struct {
  char           *display_name;
  PvEntraSamlApp *saml;       /* the active certificate, for a SAML app */
  PvEntraApp     *app;        /* with a job, or skipped with its problem */
  gboolean        probed;     /* its jobs were read since it last changed */
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->display_name);
  pv_entra_saml_app_free (entry->saml);
  pv_entra_app_free (entry->app);
  g_free (entry);
}

struct _PvEntraEstate
{
  GObject     parent_instance;

  GHashTable *entries;       /* service principal id -> Entry */
  char       *delta_link;    /* where the next refresh starts, or NULL */
  gboolean    refreshing;
};

G_DEFINE_FINAL_TYPE (PvEntraEstate, pv_entra_estate, G_TYPE_OBJECT)

static void
pv_entra_estate_finalize (GObject *object)
{
  PvEntraEstate *self = PV_ENTRA_ESTATE (object);

  g_hash_table_unref (self->entries);
  g_free (self->delta_link);
  G_OBJECT_CLASS (pv_entra_estate_parent_class)->finalize (object);
}

static void
pv_entra_estate_class_init (PvEntraEstateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pv_entra_estate_finalize;
}

static void
pv_entra_estate_init (PvEntraEstate *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
}

PvEntraEstate *
pv_entra_estate_new (void)
{
  return g_object_new (PV_TYPE_ENTRA_ESTATE, NULL);
}

/**
 * pv_entra_estate_get_size:
 *
 * Returns: how many service principals the directory has, as last read
 */
guint
pv_entra_estate_get_size (PvEntraEstate *self)
{
  g_return_val_if_fail (PV_IS_ENTRA_ESTATE (self), 0);
  return g_hash_table_size (self->entries);
}

static gint
compare_apps (gconstpointer a,
              gconstpointer b)
{
  const PvEntraApp *x = *(PvEntraApp **) a;
  const PvEntraApp *y = *(PvEntraApp **) b;

  return g_utf8_collate (x->display_name, y->display_name);
}

static gint
compare_saml_apps (gconstpointer a,
                   gconstpointer b)
{
  const PvEntraSamlApp *x = *(PvEntraSamlApp **) a;
  const PvEntraSamlApp *y = *(PvEntraSamlApp **) b;

  return g_utf8_collate (x->display_name, y->display_name);
}

static GPtrArray *
collect_apps (PvEntraEstate *self,
              gboolean       skipped)
{
  GPtrArray *apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_entra_app_free);
  GHashTableIter iter;
  Entry *entry;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (entry->app != NULL && (entry->app->problem != NULL) == skipped)
      g_ptr_array_add (apps, app_copy (entry->app));
  g_ptr_array_sort (apps, compare_apps);
  return apps;
}

/**
 * pv_entra_estate_get_apps:
 *
 * Returns: (transfer container) (element-type PvEntraApp): the apps with a
 *   provisioning job, by name
 */
GPtrArray *
pv_entra_estate_get_apps (PvEntraEstate *self)
{
  g_return_val_if_fail (PV_IS_ENTRA_ESTATE (self), NULL);
  return collect_apps (self, FALSE);
}

/**
 * pv_entra_estate_get_skipped:
 *
 * Returns: (transfer container) (element-type PvEntraApp): the apps whose
 *   jobs could not be read, by name, each with its problem
 */
GPtrArray *
pv_entra_estate_get_skipped (PvEntraEstate *self)
{
  g_return_val_if_fail (PV_IS_ENTRA_ESTATE (self), NULL);
  return collect_apps (self, TRUE);
}

/**
 * pv_entra_estate_get_saml_apps:
 *
 * Returns: (transfer container) (element-type PvEntraSamlApp): the SAML
 *   apps with their active signing certificate, by name
 */
GPtrArray *
pv_entra_estate_get_saml_apps (PvEntraEstate *self)
{
  GPtrArray *apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_entra_saml_app_free);
  GHashTableIter iter;
  Entry *entry;

  g_return_val_if_fail (PV_IS_ENTRA_ESTATE (self), NULL);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (entry->saml != NULL)
      g_ptr_array_add (apps, saml_app_copy (entry->saml));
  g_ptr_array_sort (apps, compare_saml_apps);
  return apps;
}

typedef struct {
  PvGraph        *graph;
  gboolean        by_delta;     /* following the last read's delta link */
  char           *delta_link;   /* Graph's, once the listing is through */
  GPtrArray      *probes;       /* ids whose jobs are read */
  GPtrArray      *with_job;     /* ids whose secrets are read */
  PvProgressFunc  progress;
  gpointer        progress_data;
} Refresh;

static void
refresh_free (Refresh *r)
{
  g_object_unref (r->graph);
  g_free (r->delta_link);
  g_clear_pointer (&r->probes, g_ptr_array_unref);
  g_clear_pointer (&r->with_job, g_ptr_array_unref);
  g_free (r);
}

static void
refresh_return (GTask  *task,
                GError *error)
{
  PvEntraEstate *self = g_task_get_source_object (task);

  self->refreshing = FALSE;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * pv_entra_base_address_from_secrets:
 * @answer: (nullable): a synchronization's secrets as Graph lists them
 *
 * The BaseAddress only.  Graph lists every stored key (SyncAll,
 * SyncNotificationSettings, SecretToken, …) with secret values masked as
 * "*"; none of them is kept.  Without it the admin picks the app by name.
 *
 * Returns: (nullable): the SCIM base URL the app's job uses
 */
char *
pv_entra_base_address_from_secrets (JsonNode *answer)
{
  JsonArray *value = answer != NULL && JSON_NODE_HOLDS_OBJECT (answer)
    ? pv_json_array_member (json_node_get_object (answer), "value") : NULL;
  const char *found = NULL;

  for (guint i = 0; value != NULL && i < json_array_get_length (value); i++)
    {
      JsonNode *pair = json_array_get_element (value, i);
      JsonObject *object = JSON_NODE_HOLDS_OBJECT (pair) ? json_node_get_object (pair) : NULL;

      if (g_strcmp0 (pv_json_string_member (object, "key"), "BaseAddress") == 0 && pv_json_string_member (object, "value") != NULL)
        found = pv_json_string_member (object, "value");
    }
  /* Graph masks secret values as "*" (see docs/entra.md); a BaseAddress
   * that is not a web address is no address. */
  if (found == NULL || strlen (found) > 2048 ||
      !(g_str_has_prefix (found, "https://") || g_str_has_prefix (found, "http://")))
    return NULL;
  return g_strdup (found);
}

/* Whether an error ends the whole discovery: cancelled, the sign-in gone,
 * or Microsoft out of reach.  Anything else is one app's answer. */
static gboolean
stops_discovery (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
         g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_SIGNED_IN) ||
         g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_BLOCKED) ||
         g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NETWORK);
}

static GStrv
paths_for (GPtrArray  *ids,
           const char *format)
{
  GStrv paths = g_new0 (char *, ids->len + 1);

  for (guint i = 0; i < ids->len; i++)
    paths[i] = g_strdup_printf (format, (const char *) g_ptr_array_index (ids, i));
  return paths;
}

static void
secrets_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvEntraEstate *self = g_task_get_source_object (task);
  Refresh *r = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) answers = pv_graph_batch_finish (PV_GRAPH (source), result, &error);

  if (answers == NULL)
    {
      refresh_return (task, error);
      return;
    }
  for (guint i = 0; i < answers->len; i++)
    {
      PvGraphAnswer *answer = g_ptr_array_index (answers, i);
      Entry *entry = g_hash_table_lookup (self->entries, g_ptr_array_index (r->with_job, i));

      if (answer->error != NULL && stops_discovery (answer->error))
        {
          refresh_return (task, g_error_copy (answer->error));
          return;
        }
      if (entry == NULL || entry->app == NULL)
        continue;
      g_free (entry->app->base_address);
      entry->app->base_address = pv_entra_base_address_from_secrets (answer->body);
    }
  /* Only now is the directory read as of the delta link. */
  g_free (self->delta_link);
  self->delta_link = g_steal_pointer (&r->delta_link);
  refresh_return (task, NULL);
}

/* What one app's .../synchronization/jobs answered. */
static void
read_jobs (Entry         *entry,
           const char    *id,
           PvGraphAnswer *answer)
{
  JsonArray *value = answer->body != NULL ? pv_json_array_member (json_node_get_object (answer->body), "value") : NULL;
  g_autoptr(PvEntraApp) app = g_new0 (PvEntraApp, 1);
  g_autoptr(GError) odd = NULL;

  app->service_principal_id = g_strdup (id);
  app->display_name = g_strdup (entry->display_name != NULL ? entry->display_name : id);
  g_clear_pointer (&entry->app, pv_entra_app_free);
  entry->probed = TRUE;
  if (answer->error != NULL)
    {
      /* Microsoft does not document what apps without provisioning, or its
       * own first-party apps, answer here: 404 is "no provisioning"; any
       * other answer skips that app, counted and shown, and the scan goes
       * on. */
      if (g_error_matches (answer->error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_FOUND))
        return;
      app->problem = g_strdup (answer->error->message);
    }
  else if (value == NULL)
    {
      invalid (&odd, "value");
      app->problem = g_strdup (odd->message);
    }
  else
    {
      for (guint i = 0; i < json_array_get_length (value) && app->job == NULL; i++)
        {
          JsonNode *job = json_array_get_element (value, i);

          if (JSON_NODE_HOLDS_OBJECT (job))
            app->job = pv_entra_job_new_from_json (json_node_get_object (job), NULL);
        }
      if (app->job == NULL && json_array_get_length (value) == 0)
        return;
      if (app->job == NULL)
        {
          invalid (&odd, "status.code");
          app->problem = g_strdup (odd->message);
        }
    }
  if (app->problem != NULL)
    g_debug ("Skipping enterprise app %s: %s", id, app->problem);
  entry->app = g_steal_pointer (&app);
}

static void
jobs_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvEntraEstate *self = g_task_get_source_object (task);
  Refresh *r = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) answers = pv_graph_batch_finish (PV_GRAPH (source), result, &error);
  g_auto(GStrv) paths = NULL;
  GCancellable *cancellable;

  if (answers == NULL)
    {
      refresh_return (task, error);
      return;
    }
  r->with_job = g_ptr_array_new ();
  for (guint i = 0; i < answers->len; i++)
    {
      PvGraphAnswer *answer = g_ptr_array_index (answers, i);
      const char *id = g_ptr_array_index (r->probes, i);
      Entry *entry = g_hash_table_lookup (self->entries, id);

      if (answer->error != NULL && stops_discovery (answer->error))
        {
          refresh_return (task, g_error_copy (answer->error));
          return;
        }
      if (entry == NULL)
        continue;
      read_jobs (entry, id, answer);
      if (entry->app != NULL && entry->app->job != NULL)
        g_ptr_array_add (r->with_job, (gpointer) id);
    }
  paths = paths_for (r->with_job, "/servicePrincipals/%s/synchronization/secrets");
  cancellable = g_task_get_cancellable (task);
  pv_graph_batch_async (r->graph, (const char * const *) paths, r->with_job->len, NULL, NULL,
                        cancellable, secrets_cb, g_steal_pointer (&task));
}

static gboolean
valid_id (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 64)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;
  return TRUE;
}

/* One service principal of a delta page: new, changed (only the changed
 * properties may come), or removed. */
static void
take_listed (PvEntraEstate *self,
             JsonObject    *object)
{
  const char *id = pv_json_string_member (object, "id");
  Entry *entry;

  /* The id goes into a path: only what Graph's ids look like. */
  if (!valid_id (id))
    return;
  if (json_object_has_member (object, "@removed"))
    {
      g_hash_table_remove (self->entries, id);
      return;
    }
  entry = g_hash_table_lookup (self->entries, id);
  if (entry == NULL)
    {
      if (g_hash_table_size (self->entries) >= PV_ENTRA_MAX_APPS)
        return;
      entry = g_new0 (Entry, 1);
      g_hash_table_insert (self->entries, g_strdup (id), entry);
    }
  if (pv_json_string_member (object, "displayName") != NULL)
    {
      g_free (entry->display_name);
      entry->display_name = g_strdup (pv_json_string_member (object, "displayName"));
    }
  if (json_object_has_member (object, "preferredSingleSignOnMode") ||
      json_object_has_member (object, "preferredTokenSigningKeyThumbprint") ||
      json_object_has_member (object, "keyCredentials"))
    {
      g_clear_pointer (&entry->saml, pv_entra_saml_app_free);
      entry->saml = pv_entra_saml_app_new_from_json (object);
    }
  if (entry->saml != NULL && entry->display_name != NULL)
    {
      g_free (entry->saml->display_name);
      entry->saml->display_name = g_strdup (entry->display_name);
    }
  entry->probed = FALSE;
}

static void
listed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PvEntraEstate *self = g_task_get_source_object (task);
  Refresh *r = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) answer = pv_graph_request_finish (PV_GRAPH (source), result, &error);
  JsonArray *value;
  const char *next, *delta;
  g_auto(GStrv) paths = NULL;
  GCancellable *cancellable;
  GHashTableIter iter;
  const char *id;
  Entry *entry;

  if (answer == NULL && r->by_delta && error != NULL && !stops_discovery (error))
    {
      /* Graph no longer knows the delta link (it answers 410 Gone when the
       * state is too old, "Use delta query", resyncRequired): read the
       * whole directory again, once. */
      g_debug ("Reading the whole directory again: %s", error->message);
      g_clear_error (&error);
      g_hash_table_remove_all (self->entries);
      g_clear_pointer (&self->delta_link, g_free);
      r->by_delta = FALSE;
      cancellable = g_task_get_cancellable (task);
      pv_graph_request_async (r->graph, "GET", DELTA_QUERY, NULL, cancellable, listed_cb, g_steal_pointer (&task));
      return;
    }
  if (answer == NULL)
    {
      if (error == NULL)
        invalid (&error, "value");
      refresh_return (task, error);
      return;
    }
  value = pv_json_array_member (json_node_get_object (answer), "value");
  if (value == NULL)
    {
      invalid (&error, "value");
      refresh_return (task, error);
      return;
    }
  /* Once a page came, the link held. */
  r->by_delta = FALSE;
  for (guint i = 0; i < json_array_get_length (value); i++)
    {
      JsonNode *node = json_array_get_element (value, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        take_listed (self, json_node_get_object (node));
    }
  if (r->progress != NULL)
    r->progress (0, g_hash_table_size (self->entries), r->progress_data);
  next = pv_json_string_member (json_node_get_object (answer), "@odata.nextLink");
  if (next != NULL)
    {
      cancellable = g_task_get_cancellable (task);
      pv_graph_request_async (r->graph, "GET", next, NULL, cancellable, listed_cb, g_steal_pointer (&task));
      return;
    }
  delta = pv_json_string_member (json_node_get_object (answer), "@odata.deltaLink");
  r->delta_link = g_strdup (delta);

  /* The jobs of what is new or changed, and again of what provisions. */
  r->probes = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, (gpointer *) &entry))
    if (!entry->probed || entry->app != NULL)
      g_ptr_array_add (r->probes, (gpointer) id);
  paths = paths_for (r->probes, "/servicePrincipals/%s/synchronization/jobs");
  cancellable = g_task_get_cancellable (task);
  pv_graph_batch_async (r->graph, (const char * const *) paths, r->probes->len, r->progress, r->progress_data,
                        cancellable, jobs_cb, g_steal_pointer (&task));
}

/**
 * pv_entra_estate_refresh_async:
 * @progress: (nullable): told how many apps were looked at, of how many
 *
 * Brings the estate up to date: the first time by reading the whole
 * directory, later by Graph's delta of it.  The estate's ids are borrowed
 * by the running refresh: one refresh at a time.
 */
void
pv_entra_estate_refresh_async (PvEntraEstate       *self,
                               PvGraph             *graph,
                               PvProgressFunc       progress,
                               gpointer             progress_data,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  Refresh *r;

  g_return_if_fail (PV_IS_ENTRA_ESTATE (self));
  g_task_set_source_tag (task, pv_entra_estate_refresh_async);
  if (self->refreshing)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PENDING, "The Entra estate is being read already");
      return;
    }
  self->refreshing = TRUE;
  r = g_new0 (Refresh, 1);
  r->graph = g_object_ref (graph);
  r->progress = progress;
  r->progress_data = progress_data;
  r->by_delta = self->delta_link != NULL;
  g_task_set_task_data (task, r, (GDestroyNotify) refresh_free);
  pv_graph_request_async (graph, "GET", self->delta_link != NULL ? self->delta_link : DELTA_QUERY,
                          NULL, cancellable, listed_cb, g_steal_pointer (&task));
}

gboolean
pv_entra_estate_refresh_finish (PvEntraEstate  *self,
                                GAsyncResult   *result,
                                GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

typedef struct {
  PvEntraEstate *estate;
  GPtrArray     *skipped;
} Discover;

static void
discover_free (Discover *d)
{
  g_object_unref (d->estate);
  g_clear_pointer (&d->skipped, g_ptr_array_unref);
  g_free (d);
}

static void
discovered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Discover *d = g_task_get_task_data (task);
  GError *error = NULL;

  if (!pv_entra_estate_refresh_finish (d->estate, result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  d->skipped = pv_entra_estate_get_skipped (d->estate);
  g_task_return_pointer (task, pv_entra_estate_get_apps (d->estate), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * pv_entra_discover_async:
 * @progress: (nullable): told how many apps were looked at, of how many
 *
 * Lists the directory's enterprise apps that have a provisioning job, with
 * the SCIM base URL each job uses where Graph tells it: a new estate's
 * first refresh.
 */
void
pv_entra_discover_async (PvGraph             *graph,
                         PvProgressFunc       progress,
                         gpointer             progress_data,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (graph, cancellable, callback, user_data);
  Discover *d = g_new0 (Discover, 1);

  g_task_set_source_tag (task, pv_entra_discover_async);
  d->estate = pv_entra_estate_new ();
  g_task_set_task_data (task, d, (GDestroyNotify) discover_free);
  pv_entra_estate_refresh_async (d->estate, graph, progress, progress_data, cancellable,
                                 discovered_cb, g_steal_pointer (&task));
}

/**
 * pv_entra_discover_finish:
 * @skipped: (out) (optional) (transfer container) (element-type PvEntraApp):
 *   the apps whose jobs could not be read, by name, each with its problem
 *
 * Returns: (transfer container) (element-type PvEntraApp): by name
 */
GPtrArray *
pv_entra_discover_finish (GAsyncResult  *result,
                          GPtrArray    **skipped,
                          GError       **error)
{
  Discover *d = g_task_get_task_data (G_TASK (result));
  GPtrArray *apps = g_task_propagate_pointer (G_TASK (result), error);

  if (skipped != NULL)
    *skipped = apps != NULL ? g_ptr_array_ref (d->skipped) : NULL;
  return apps;
}

static void
job_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(JsonNode) answer = pv_graph_request_finish (PV_GRAPH (source), result, &error);
  PvEntraJob *job;

  if (answer == NULL)
    {
      if (error == NULL)
        invalid (&error, "status");
      g_task_return_error (task, error);
      return;
    }
  job = pv_entra_job_new_from_json (json_node_get_object (answer), &error);
  if (job == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, job, (GDestroyNotify) pv_entra_job_free);
}

void
pv_entra_get_job_async (PvGraph             *graph,
                        const char          *service_principal_id,
                        const char          *job_id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (graph, cancellable, callback, user_data);
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, pv_entra_get_job_async);
  if (!valid_id (service_principal_id) || !valid_id (job_id))
    {
      g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_FOUND,
                               _("The link to the Entra app is damaged; link the app again"));
      return;
    }
  path = g_strdup_printf ("/servicePrincipals/%s/synchronization/jobs/%s", service_principal_id, job_id);
  pv_graph_request_async (graph, "GET", path, NULL, cancellable, job_cb, g_steal_pointer (&task));
}

PvEntraJob *
pv_entra_get_job_finish (GAsyncResult  *result,
                         GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

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
      if (valid_id (sp) && valid_id (job))
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

  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_thread);
}

PvEntraConfig *
pv_entra_config_load_finish (GAsyncResult  *result,
                             GError       **error)
{
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
  gsize length;
  char *data;

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
  pv_file_write_private_async (file, g_bytes_new_take (data, length), cancellable, saved_cb, task);
}

gboolean
pv_entra_config_save_finish (GAsyncResult  *result,
                             GError       **error)
{
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

/* -- hand-over ---------------------------------------------------------- */

/**
 * pv_entra_hand_over_step_title:
 * @app: the Entra app's name
 *
 * Returns: what the step does, naming the app
 */
char *
pv_entra_hand_over_step_title (PvHandOverStep  step,
                               const char     *app)
{
  switch (step)
    {
    case PV_HAND_OVER_SAVE:
      /* Translators: %s is an Entra app's name */
      return g_strdup_printf (_("Save the tenant URL and the new token in “%s”"), app);
    case PV_HAND_OVER_VALIDATE:
      return g_strdup_printf (_("Entra tests the connection of “%s” to the tenant"), app);
    case PV_HAND_OVER_CHECK_JOB:
      return g_strdup_printf (_("Read the provisioning state of “%s”"), app);
    case PV_HAND_OVER_RESTART:
      return g_strdup_printf (_("Restart provisioning of “%s” out of quarantine"), app);
    case PV_HAND_OVER_N_STEPS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * pv_entra_hand_over_step_available:
 *
 * Returns: whether Microsoft offers @step's call in the cloud of @graph
 *   (validateCredentials is not offered in China, operated by 21Vianet)
 */
gboolean
pv_entra_hand_over_step_available (PvGraph        *graph,
                                   PvHandOverStep  step)
{
  const PvGraphCloud *cloud = pv_graph_cloud_for_graph_url (pv_graph_get_graph_url (graph));

  return step != PV_HAND_OVER_VALIDATE || cloud == NULL || cloud->validate_credentials;
}

/**
 * pv_entra_cloud_note:
 *
 * Returns: (nullable): what the hand-over cannot do in the cloud of @graph,
 *   to tell the admin before a renewal, or %NULL when it can do everything
 */
char *
pv_entra_cloud_note (PvGraph *graph)
{
  const PvGraphCloud *cloud = pv_graph_cloud_for_graph_url (pv_graph_get_graph_url (graph));

  if (pv_entra_hand_over_step_available (graph, PV_HAND_OVER_VALIDATE))
    return NULL;
  /* Translators: %s is a Microsoft cloud such as "China (operated by 21Vianet)" */
  return g_strdup_printf (_("In the cloud %s Microsoft does not offer Entra's credential test: a renewal skips it, "
                            "and Entra's next provisioning cycle uses the saved token"), _(cloud->name));
}

typedef struct {
  PvGraph        *graph;
  char           *sp;
  char           *job_id;
  char           *base_address;
  char           *secret;
  PvHandOverStep  step;
  PvHandOverFunc  func;
  gpointer        func_data;
  PvEntraJob     *job;
  gulong          waiting_handler;
  guint           countdown;      /* while Graph asked to wait */
  gint64          wait_until;     /* monotonic, µs */
  gboolean        wait_shown;     /* the step's detail says so */
  GCancellable   *cancellable;
} HandOver;

static void
hand_over_free (HandOver *h)
{
  g_clear_handle_id (&h->countdown, g_source_remove);
  g_clear_signal_handler (&h->waiting_handler, h->graph);
  g_clear_object (&h->cancellable);
  g_object_unref (h->graph);
  g_free (h->sp);
  g_free (h->job_id);
  g_free (h->base_address);
  pv_secret_free (h->secret);
  pv_entra_job_free (h->job);
  g_free (h);
}

static void
report (HandOver    *h,
        PvStepState  state,
        const char  *detail)
{
  /* A step that goes on or ends is no longer waiting, nor says so. */
  g_clear_handle_id (&h->countdown, g_source_remove);
  if (detail == NULL && h->wait_shown)
    detail = "";
  h->wait_shown = FALSE;
  if (h->func != NULL)
    h->func (h->step, state, detail, h->func_data);
}

/* While Graph asked to wait (429, 503 or 504 with Retry-After), the running
 * step says so, with the seconds left, once a second. */
static gboolean
countdown_cb (gpointer user_data)
{
  HandOver *h = user_data;
  gint64 left = (h->wait_until - g_get_monotonic_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  g_autofree char *detail = NULL;

  /* Whoever was told of the steps may be gone; at 0 the call is sent
   * again, and the step's next report follows. */
  if (g_cancellable_is_cancelled (h->cancellable) || left <= 0)
    {
      h->countdown = 0;
      return G_SOURCE_REMOVE;
    }
  detail = pv_graph_describe_wait (left);
  h->wait_shown = TRUE;
  if (h->func != NULL)
    h->func (h->step, PV_STEP_RUNNING, detail, h->func_data);
  return G_SOURCE_CONTINUE;
}

static void
waiting_cb (PvGraph  *graph,
            guint     seconds,
            HandOver *h)
{
  g_clear_handle_id (&h->countdown, g_source_remove);
  h->wait_until = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  if (countdown_cb (h) == G_SOURCE_CONTINUE)
    h->countdown = g_timeout_add_seconds (1, countdown_cb, h);
}

static JsonNode *
secrets_node (HandOver *h)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "value");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, "BaseAddress");
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, h->base_address);
  json_builder_end_object (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, "SecretToken");
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, h->secret);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The node holds the secret: zero its string before letting it go. */
static void
scrub_node (JsonNode *node)
{
  JsonObject *root = json_node_get_object (node);
  JsonArray *pairs = pv_json_array_member (root, "value");

  for (guint i = 0; pairs != NULL && i < json_array_get_length (pairs); i++)
    {
      JsonObject *pair = json_array_get_object_element (pairs, i);
      const char *value = pv_json_string_member (pair, "value");

      if (g_strcmp0 (pv_json_string_member (pair, "key"), "SecretToken") == 0 && value != NULL)
        explicit_bzero ((char *) value, strlen (value));
    }
  json_node_unref (node);
}

static void hand_over_run (GTask *task);

static void
step_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandOver *h = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = pv_graph_request_finish (PV_GRAPH (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Whoever was told of the steps may be gone. */
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (error != NULL)
    {
      if (h->step == PV_HAND_OVER_VALIDATE &&
          (g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_REFUSED) ||
           g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_SERVER) ||
           g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_INVALID_RESPONSE)))
        {
          /* Microsoft documents only the 204 of a passed test: a failed one
           * is any 4xx or 5xx, with its message where Graph gives one. */
          GError *rejected = g_error_new (PV_GRAPH_ERROR, PV_GRAPH_ERROR_CREDENTIALS_REJECTED,
                                          _("Entra could not use the tenant URL and the new token: %s"),
                                          error->message);
          report (h, PV_STEP_FAILED, rejected->message);
          g_task_return_error (task, rejected);
          return;
        }
      report (h, PV_STEP_FAILED, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (h->step == PV_HAND_OVER_CHECK_JOB)
    {
      GError *invalid_error = NULL;
      g_autofree char *described = NULL;

      h->job = answer != NULL ? pv_entra_job_new_from_json (json_node_get_object (answer), &invalid_error) : NULL;
      if (h->job == NULL)
        {
          if (invalid_error == NULL)
            invalid (&invalid_error, "status");
          report (h, PV_STEP_FAILED, invalid_error->message);
          g_task_return_error (task, invalid_error);
          return;
        }
      described = pv_entra_job_describe (h->job, g_get_real_time () / G_USEC_PER_SEC);
      report (h, PV_STEP_DONE, described);
      h->step = PV_HAND_OVER_RESTART;
      if (!pv_entra_job_in_quarantine (h->job))
        {
          report (h, PV_STEP_SKIPPED, _("Not in quarantine"));
          g_task_return_pointer (task, g_steal_pointer (&h->job), (GDestroyNotify) pv_entra_job_free);
          return;
        }
      hand_over_run (g_steal_pointer (&task));
      return;
    }

  if (h->step == PV_HAND_OVER_RESTART)
    {
      /* Restarting is asynchronous: Graph answers 204 at once and the job
       * leaves quarantine in the background (synchronizationJob: restart). */
      report (h, PV_STEP_DONE, _("asked for; Entra restarts the job in the background, so it does not show as "
                                 "Active at once"));
      g_task_return_pointer (task, g_steal_pointer (&h->job), (GDestroyNotify) pv_entra_job_free);
      return;
    }
  report (h, PV_STEP_DONE, NULL);
  h->step++;
  hand_over_run (g_steal_pointer (&task));
}

static void
hand_over_run (GTask *task)
{
  HandOver *h = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  JsonNode *body = NULL;
  const char *method = "POST";

  if (!pv_entra_hand_over_step_available (h->graph, h->step))
    {
      const PvGraphCloud *cloud = pv_graph_cloud_for_graph_url (pv_graph_get_graph_url (h->graph));
      g_autofree char *why = g_strdup_printf (_("Not available in the cloud %s; Entra's next provisioning cycle "
                                                "uses the saved token instead"), _(cloud->name));

      report (h, PV_STEP_SKIPPED, why);
      h->step++;
    }
  report (h, PV_STEP_RUNNING, NULL);
  switch (h->step)
    {
    case PV_HAND_OVER_SAVE:
      method = "PUT";
      path = g_strdup_printf ("/servicePrincipals/%s/synchronization/secrets", h->sp);
      body = secrets_node (h);
      break;
    case PV_HAND_OVER_VALIDATE:
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();

        /* What was saved: the secret goes over the wire once. */
        path = g_strdup_printf ("/servicePrincipals/%s/synchronization/jobs/%s/validateCredentials", h->sp, h->job_id);
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "useSavedCredentials");
        json_builder_add_boolean_value (b, TRUE);
        json_builder_end_object (b);
        body = json_builder_get_root (b);
      }
      break;
    case PV_HAND_OVER_CHECK_JOB:
      method = "GET";
      path = g_strdup_printf ("/servicePrincipals/%s/synchronization/jobs/%s", h->sp, h->job_id);
      break;
    case PV_HAND_OVER_RESTART:
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();

        path = g_strdup_printf ("/servicePrincipals/%s/synchronization/jobs/%s/restart", h->sp, h->job_id);
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "criteria");
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "resetScope");
        json_builder_add_string_value (b, "Watermark, Escrows, QuarantineState");
        json_builder_end_object (b);
        json_builder_end_object (b);
        body = json_builder_get_root (b);
      }
      break;
    case PV_HAND_OVER_N_STEPS:
    default:
      g_assert_not_reached ();
    }
  pv_graph_request_async (h->graph, method, path, body, g_task_get_cancellable (task), step_cb, task);
  if (body != NULL && h->step == PV_HAND_OVER_SAVE)
    scrub_node (body);
  else if (body != NULL)
    json_node_unref (body);
}

/**
 * pv_entra_hand_over_async:
 * @link: the Entra app of the connection
 * @base_address: the connection's SCIM base URL
 * @secret: the new token
 * @step_func: (nullable): told as each step starts and ends
 *
 * Gives the Entra app its new token: the tenant URL and token are saved
 * (PUT secrets), Entra tests what was saved against the tenant
 * (validateCredentials), the job's state is read, and a job in quarantine
 * is restarted with its quarantine state reset.  Saving comes first: the
 * test is the new token's first use, which retires the old token in the
 * tenant, so it must only happen once Entra holds the new one.  On failure
 * nothing else is tried; the new token is valid in the tenant and the old
 * one keeps working until the new one is used, so the admin can go on by
 * hand.
 */
void
pv_entra_hand_over_async (PvGraph             *graph,
                          const PvEntraLink   *link,
                          const char          *base_address,
                          const char          *secret,
                          PvHandOverFunc       step_func,
                          gpointer             step_data,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (graph, cancellable, callback, user_data);
  HandOver *h = g_new0 (HandOver, 1);

  g_task_set_source_tag (task, pv_entra_hand_over_async);
  h->graph = g_object_ref (graph);
  h->sp = g_strdup (link->service_principal_id);
  h->job_id = g_strdup (link->job_id);
  h->base_address = g_strdup (base_address);
  h->secret = g_strdup (secret);
  h->func = step_func;
  h->func_data = step_data;
  h->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  h->waiting_handler = g_signal_connect (graph, "waiting", G_CALLBACK (waiting_cb), h);
  g_task_set_task_data (task, h, (GDestroyNotify) hand_over_free);
  if (!valid_id (h->sp) || !valid_id (h->job_id))
    {
      g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_FOUND,
                               _("The link to the Entra app is damaged; link the app again"));
      return;
    }
  hand_over_run (g_steal_pointer (&task));
}

/**
 * pv_entra_hand_over_finish:
 *
 * Returns: (transfer full): the job's state as read during the hand-over
 */
PvEntraJob *
pv_entra_hand_over_finish (GAsyncResult  *result,
                           GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -- health ------------------------------------------------------------- */

/**
 * pv_entra_stale_since:
 * @connection: a connection as the tenant reports it
 * @now: the tenant's time
 *
 * A renewal the identity provider has not taken up: the newest token was
 * never used while an older one still is, for longer than two of Entra's
 * 40-minute cycles.
 *
 * Returns: when the newest token was issued, or 0 if nothing is stale
 */
gint64
pv_entra_stale_since (PvConnectionInfo *connection,
                      gint64            now)
{
  GListModel *tokens = pv_connection_info_get_tokens (connection);
  const char *in_use = pv_connection_info_get_in_use_token_id (connection);
  g_autoptr(PvTokenInfo) newest = NULL;
  gint64 created;

  if (g_list_model_get_n_items (tokens) < 2 || in_use == NULL)
    return 0;
  newest = g_list_model_get_item (tokens, 0);
  created = pv_token_info_get_created_at (newest);
  if (pv_token_info_get_last_used_at (newest) != 0 ||
      g_strcmp0 (pv_token_info_get_id (newest), in_use) == 0 ||
      now - created < 2 * ENTRA_CYCLE)
    return 0;
  return created;
}
