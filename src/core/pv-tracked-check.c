/* pv-tracked-check.c: does the vendor still accept each tracked token?
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-tracked-check"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pv-files.h"
#include "pv-guide.h"
#include "pv-reminders.h"
#include "pv-time.h"
#include "pv-token.h"
#include "pv-tracked-check.h"

/* With a tracked token in the keyring, each refresh asks the vendor's SCIM
 * endpoint what Entra's connection test asks (pv_probe_token_async()), at
 * most every PV_TRACKED_CHECK_INTERVAL per token and at most
 * PV_TRACKED_CHECK_MAX_IN_FLIGHT at once, so that 300 apps neither flood
 * their vendors nor the network.  The verdicts are kept, without secrets,
 * in $XDG_STATE_HOME/provisio/app-checks.ini:
 *
 *   [app:timly/users]
 *   verdict=token-rejected
 *   detail=The endpoint refuses the token (HTTP 401): …
 *   checked-at=2026-12-02T19:00:00Z
 *   replaced=1
 *
 * so that the dashboard, the reminders and provisioctl --offline know the
 * last one, and the interval holds across the app and the timer.  replaced
 * counts the verdicts forgotten because the token was replaced: a check
 * that started before (with the old token) and ends after finds it changed
 * and keeps its verdict to itself, rather than showing it as the new
 * token's. */

/**
 * pv_tracked_checks_default_file:
 *
 * Returns: (transfer full): the user's app-checks.ini
 */
GFile *
pv_tracked_checks_default_file (void)
{
  return pv_file_new_for_state ("app-checks.ini");
}

static gboolean
verdict_from_string (const char     *text,
                     PvProbeVerdict *verdict)
{
  for (PvProbeVerdict v = PV_PROBE_WORKS; v <= PV_PROBE_UNREACHABLE; v++)
    if (g_strcmp0 (text, pv_probe_verdict_to_string (v)) == 0)
      {
        *verdict = v;
        return TRUE;
      }
  return FALSE;
}

/**
 * pv_tracked_checks_get:
 * @detail: (out) (optional): the verdict in words
 * @checked_at: (out) (optional): when
 *
 * Returns: whether the token of @kind was checked, and its last verdict
 */
gboolean
pv_tracked_checks_get (GKeyFile           *checks,
                       const PvTrackedApp *app,
                       const char         *kind,
                       PvProbeVerdict     *verdict,
                       char              **detail,
                       gint64             *checked_at)
{
  g_autofree char *group = pv_tracked_app_credential_id (app, kind);
  g_autofree char *text = g_key_file_get_string (checks, group, "verdict", NULL);
  g_autofree char *when = g_key_file_get_string (checks, group, "checked-at", NULL);
  gint64 at = 0;

  if (!verdict_from_string (text, verdict) || when == NULL || !pv_time_parse (when, &at))
    return FALSE;
  if (detail != NULL)
    *detail = g_key_file_get_string (checks, group, "detail", NULL);
  if (checked_at != NULL)
    *checked_at = at;
  return TRUE;
}

void
pv_tracked_checks_set (GKeyFile           *checks,
                       const PvTrackedApp *app,
                       const char         *kind,
                       PvProbeVerdict      verdict,
                       const char         *detail,
                       gint64              checked_at)
{
  g_autofree char *group = pv_tracked_app_credential_id (app, kind);
  g_autofree char *when = pv_time_format (checked_at);

  g_key_file_set_string (checks, group, "verdict", pv_probe_verdict_to_string (verdict));
  g_key_file_set_string (checks, group, "detail", detail ? detail : "");
  g_key_file_set_string (checks, group, "checked-at", when);
}

/**
 * pv_tracked_checks_forget:
 *
 * Forgets the last verdict on @app's token of @kind: it was about a token
 * replaced since, and would be shown as the new one's.  With no verdict,
 * the next check asks about the new token at once.
 */
void
pv_tracked_checks_forget (GKeyFile           *checks,
                          const PvTrackedApp *app,
                          const char         *kind)
{
  g_autofree char *group = pv_tracked_app_credential_id (app, kind);
  gint64 replaced = g_key_file_get_int64 (checks, group, "replaced", NULL);

  g_key_file_remove_group (checks, group, NULL);
  g_key_file_set_int64 (checks, group, "replaced", replaced + 1);
}

/**
 * pv_tracked_checks_verdicts:
 *
 * Returns: (transfer full) (element-type utf8 gint): the last verdict of
 *   each of @app's connections, as kind → verdict + 1, for
 *   pv_tracked_app_new_info()
 */
GHashTable *
pv_tracked_checks_verdicts (GKeyFile           *checks,
                            const PvTrackedApp *app)
{
  GHashTable *verdicts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < app->connections->len; i++)
    {
      PvTrackedConnection *connection = g_ptr_array_index (app->connections, i);
      PvProbeVerdict verdict;

      if (pv_tracked_checks_get (checks, app, connection->kind, &verdict, NULL, NULL))
        g_hash_table_insert (verdicts, g_strdup (connection->kind), GINT_TO_POINTER (verdict + 1));
    }
  return verdicts;
}

typedef struct {
  GTask *task;
  char  *app_id;   /* copied: the app may be replaced while its token is checked */
  char  *kind;
  char  *url;
  char  *token;
  gint64 replaced;  /* the verdicts forgotten when it started */
} Job;

typedef struct {
  GQueue        jobs;        /* Job, waiting */
  GKeyFile     *checks;
  GTlsDatabase *tls_database;
  GPtrArray    *apps;        /* kept alive for the jobs */
  gint64        now;
  guint         in_flight;
  guint         peak;
  guint         probed;
} Check;

static void
job_free (Job *job)
{
  g_clear_object (&job->task);
  g_free (job->app_id);
  g_free (job->kind);
  g_free (job->url);
  pv_secret_free (job->token);
  g_free (job);
}

static void
check_free (Check *check)
{
  g_queue_clear_full (&check->jobs, (GDestroyNotify) job_free);
  g_key_file_unref (check->checks);
  g_clear_object (&check->tls_database);
  g_ptr_array_unref (check->apps);
  g_free (check);
}

static void start_next (GTask *task);

static void
probed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Job *job = user_data;
  g_autoptr(GTask) task = g_steal_pointer (&job->task);
  Check *check = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(PvProbeResult) probe = pv_probe_finish (result, &error);

  check->in_flight--;
  if (probe != NULL)
    {
      PvTrackedApp app = { .id = job->app_id };
      g_autofree char *group = pv_tracked_app_credential_id (&app, job->kind);

      /* The token was replaced meanwhile: the verdict is the old one's. */
      if (g_key_file_get_int64 (check->checks, group, "replaced", NULL) != job->replaced)
        {
          g_debug ("A check of %s ended after its token was replaced: not kept", group);
          job_free (job);
          start_next (task);
          return;
        }
      pv_tracked_checks_set (check->checks, &app, job->kind, probe->verdict, probe->detail, check->now);
      check->probed++;
    }
  job_free (job);
  start_next (task);
}

/* Up to the limit, and the task returns when the last one is back. */
static void
start_next (GTask *task)
{
  Check *check = g_task_get_task_data (task);
  GCancellable *cancellable = g_task_get_cancellable (task);

  while (check->in_flight < PV_TRACKED_CHECK_MAX_IN_FLIGHT && !g_queue_is_empty (&check->jobs) &&
         !g_cancellable_is_cancelled (cancellable))
    {
      Job *job = g_queue_pop_head (&check->jobs);

      /* The job holds the task until its probe is back. */
      job->task = g_object_ref (task);
      check->in_flight++;
      check->peak = MAX (check->peak, check->in_flight);
      pv_probe_token_async (job->url, job->token, check->tls_database, cancellable, probed_cb, job);
    }
  if (check->in_flight == 0 && !g_task_return_error_if_cancelled (task))
    g_task_return_boolean (task, TRUE);
}

/**
 * pv_tracked_check_async:
 * @apps: (element-type PvTrackedApp): the tracked apps
 * @tokens: (element-type utf8 utf8): the tokens in the keyring, by
 *   credential id (pv_tracked_app_credential_id())
 * @checks: app-checks.ini: the last verdicts, brought up to date
 * @tls_database: (nullable): certificates to trust instead of the system's
 *
 * Checks each token that is in @tokens and was not checked in the last
 * PV_TRACKED_CHECK_INTERVAL, at most PV_TRACKED_CHECK_MAX_IN_FLIGHT at
 * once, and records each verdict in @checks.
 */
void
pv_tracked_check_async (GPtrArray           *apps,
                        GHashTable          *tokens,
                        GKeyFile            *checks,
                        gint64               now,
                        GTlsDatabase        *tls_database,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Check *check = g_new0 (Check, 1);

  g_task_set_source_tag (task, pv_tracked_check_async);
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);
  g_queue_init (&check->jobs);
  check->checks = g_key_file_ref (checks);
  check->tls_database = tls_database ? g_object_ref (tls_database) : NULL;
  check->apps = g_ptr_array_ref (apps);
  check->now = now;

  for (guint i = 0; i < apps->len; i++)
    {
      const PvTrackedApp *app = g_ptr_array_index (apps, i);

      for (guint c = 0; c < app->connections->len; c++)
        {
          PvTrackedConnection *connection = g_ptr_array_index (app->connections, c);
          g_autofree char *id = pv_tracked_app_credential_id (app, connection->kind);
          const char *token = g_hash_table_lookup (tokens, id);
          PvProbeVerdict verdict;
          gint64 checked_at;
          Job *job;

          if (token == NULL ||
              (pv_tracked_checks_get (checks, app, connection->kind, &verdict, NULL, &checked_at) &&
               checked_at <= now && now - checked_at < PV_TRACKED_CHECK_INTERVAL))
            continue;
          job = g_new0 (Job, 1);
          job->app_id = g_strdup (app->id);
          job->kind = g_strdup (connection->kind);
          job->url = g_strdup (connection->scim_base_url);
          job->token = g_strdup (token);
          job->replaced = g_key_file_get_int64 (checks, id, "replaced", NULL);
          g_queue_push_tail (&check->jobs, job);
        }
    }
  start_next (task);
}

/**
 * pv_tracked_check_finish:
 * @n_probed: (out) (optional): how many tokens were asked about
 * @peak_in_flight: (out) (optional): the most asked about at once
 *
 * Returns: %FALSE only if cancelled
 */
gboolean
pv_tracked_check_finish (GAsyncResult  *result,
                         guint         *n_probed,
                         guint         *peak_in_flight,
                         GError       **error)
{
  Check *check;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_tracked_check_async, FALSE);
  check = g_task_get_task_data (G_TASK (result));
  if (n_probed != NULL)
    *n_probed = check->probed;
  if (peak_in_flight != NULL)
    *peak_in_flight = check->peak;
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pv_tracked_checks_add_due:
 * @info: @app as a tenant (pv_tracked_app_new_info())
 * @sent: the reminders sent before; a token accepted again is forgotten
 *   there, so that a later rejection is told again
 * @due: (element-type PvDueReminder): where to add them
 *
 * A token the vendor rejects stops provisioning whatever its dates say:
 * one urgent notification per rejection.
 */
void
pv_tracked_checks_add_due (GKeyFile           *checks,
                           const PvTrackedApp *app,
                           PvTenantInfo       *info,
                           GKeyFile           *sent,
                           GPtrArray          *due)
{
  for (guint i = 0; i < app->connections->len; i++)
    {
      PvTrackedConnection *connection = g_ptr_array_index (app->connections, i);
      g_autofree char *id = pv_tracked_app_credential_id (app, connection->kind);
      g_autofree char *key = g_strconcat (id, "/rejected", NULL);
      g_autofree char *detail = NULL;
      PvProbeVerdict verdict;
      PvDueReminder *r;

      if (!pv_tracked_checks_get (checks, app, connection->kind, &verdict, &detail, NULL) ||
          verdict != PV_PROBE_TOKEN_REJECTED)
        {
          g_key_file_remove_key (sent, "sent", key, NULL);
          continue;
        }
      if (g_key_file_has_key (sent, "sent", key, NULL))
        continue;
      r = g_new0 (PvDueReminder, 1);
      r->key = g_steal_pointer (&key);
      r->tenant = g_object_ref (info);
      r->kind = g_strdup (connection->kind);
      r->threshold = 0;
      r->state = PV_EXPIRY_URGENT;
      /* Translators: a notification's title: "Users" or "Persons", then an app's name */
      r->title = g_strdup_printf (_("%s of %s: the vendor rejects the token"),
                                  pv_guide_app_name (connection->kind), app->name);
      /* Translators: a notification's text: the probe's verdict in words */
      r->body = g_strdup_printf (_("%s. Provisioning with it has stopped: make a new token in the vendor's "
                                   "console and paste it into Provisio."), detail ? detail : "");
      g_ptr_array_add (due, r);
    }
}

/**
 * pv_tracked_checks_last:
 *
 * Returns: when the last of @app's tokens was last checked, or 0
 */
gint64
pv_tracked_checks_last (GKeyFile           *checks,
                        const PvTrackedApp *app)
{
  gint64 last = 0;

  for (guint i = 0; i < app->connections->len; i++)
    {
      PvTrackedConnection *connection = g_ptr_array_index (app->connections, i);
      PvProbeVerdict verdict;
      gint64 checked_at;

      if (pv_tracked_checks_get (checks, app, connection->kind, &verdict, NULL, &checked_at))
        last = MAX (last, checked_at);
    }
  return last;
}
