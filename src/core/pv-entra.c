/* pv-entra.c: the Entra apps that provision a tenant: jobs, matching and health
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-entra"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "pv-dates.h"
#include "pv-entra.h"
#include "pv-entra-private.h"
#include "pv-graph-private.h"
#include "pv-json-read.h"
#include "pv-time.h"
#include "pv-token-info.h"

/* Everything here goes through Microsoft Graph's synchronization API:
 * /servicePrincipals/{id}/synchronization/jobs, .../secrets,
 * .../jobs/{id}/validateCredentials and .../restart.  Answers are read
 * defensively: a member of the wrong type is an INVALID_RESPONSE, never a
 * crash.  Configuration (entra.ini) is in pv-entra-config.c, discovery of
 * the directory's apps in pv-entra-discover.c, handing a token over in
 * pv-entra-handover.c. */

#define ENTRA_CYCLE (40 * 60)

void
pv_entra_set_invalid (GError    **error,
                      const char *what)
{
  g_set_error (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_INVALID_RESPONSE,
               _("Microsoft Graph's answer has no usable “%s”"), what);
}

gint64
pv_entra_member_time (JsonObject *object,
                      const char *member)
{
  gint64 when;

  if (!pv_time_parse (pv_json_string_member (object, member), &when))
    return 0;
  return when;
}

/* An id Graph gave, checked before it goes into a URL path. */
gboolean
pv_entra_valid_id (const char *id)
{
  if (id == NULL || *id == '\0' || strlen (id) > 64)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return FALSE;
  return TRUE;
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
      pv_entra_set_invalid (error, "id");
      return NULL;
    }
  if (code == NULL)
    {
      pv_entra_set_invalid (error, "status.code");
      return NULL;
    }
  job->id = g_strdup (id);
  job->template_id = g_strdup (pv_json_string_member (object, "templateId"));
  job->status = g_strdup (code);
  job->quarantine_reason = g_strdup (pv_json_string_member (quarantine, "reason"));
  job->quarantine_since = pv_entra_member_time (quarantine, "seriesBegan");
  if (job->quarantine_since == 0)
    job->quarantine_since = pv_entra_member_time (quarantine, "currentBegan");
  job->quarantine_error = g_strdup (pv_json_string_member (pv_json_object_member (quarantine, "error"), "message"));
  if (job->quarantine_error == NULL)
    job->quarantine_error = g_strdup (pv_json_string_member (pv_json_object_member (last, "error"), "message"));
  job->last_success_at = pv_entra_member_time (success, "timeEnded");
  if (job->last_success_at == 0)
    job->last_success_at = pv_entra_member_time (success, "timeBegan");
  job->last_run_at = pv_entra_member_time (last, "timeEnded");
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
