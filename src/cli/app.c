/* app.c: provisioctl app …, the apps whose tokens are tracked, and their
 * part in status, check and calendar (remind: the core's PvTenantList)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisioctl-app"

#include "config.h"

#include <glib/gi18n.h>
#include <glib-unix.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "pv-credentials.h"
#include "pv-dates.h"
#include "pv-entra.h"
#include "pv-files.h"
#include "pv-guide.h"
#include "pv-overview.h"
#include "pv-probe.h"
#include "pv-profiles.h"
#include "pv-time.h"
#include "pv-token.h"
#include "pv-tracked-add.h"
#include "pv-tracked-app.h"
#include "pv-tracked-check.h"
#include "pv-vendor.h"
#include "app.h"
#include "common.h"
#include "entra.h"

static char *opt_kind;
static char *opt_url;
static char *opt_name;
static char *opt_issued;
static char *opt_expires;
static char *opt_idp;
static gboolean opt_dates_only;
static gboolean opt_handed_over;
static gboolean opt_wait;

const GOptionEntry app_add_entries[] = {
  { "kind", 0, 0, G_OPTION_ARG_STRING, &opt_kind, N_("The connection: users (default) or persons"), N_("KIND") },
  { "url", 0, 0, G_OPTION_ARG_STRING, &opt_url,
    N_("The SCIM base URL; the vendor's own where it has one"), N_("URL") },
  { "name", 0, 0, G_OPTION_ARG_STRING, &opt_name, N_("The app's name for people"), N_("TEXT") },
  { "issued", 0, 0, G_OPTION_ARG_STRING, &opt_issued, N_("When the token was made (default: now)"), N_("DATE") },
  { "expires", 0, 0, G_OPTION_ARG_STRING, &opt_expires,
    N_("When the token expires, if neither the token nor the vendor says"), N_("DATE") },
  { "dates-only", 0, 0, G_OPTION_ARG_NONE, &opt_dates_only,
    N_("Track only the dates; no token is read or kept"), NULL },
  { NULL }
};

const GOptionEntry app_renew_entries[] = {
  { "issued", 0, 0, G_OPTION_ARG_STRING, &opt_issued, N_("When the new token was made (default: now)"), N_("DATE") },
  { "expires", 0, 0, G_OPTION_ARG_STRING, &opt_expires,
    N_("When the new token expires, if neither the token nor the vendor says"), N_("DATE") },
  { "idp", 0, 0, G_OPTION_ARG_STRING, &opt_idp,
    N_("The identity provider whose steps to show: entra or okta (default: the vendor's first)"), N_("IDP") },
  { "handed-over", 0, 0, G_OPTION_ARG_NONE, &opt_handed_over,
    N_("The pasted token is in the identity provider: record it and forget the old one"), NULL },
  { "wait", 0, 0, G_OPTION_ARG_NONE, &opt_wait,
    N_("Handed to Entra through Graph: wait for its next successful cycle, then record the token"), NULL },
  { NULL }
};

static GKeyFile *
load_checks (void)
{
  g_autoptr(GFile) file = pv_tracked_checks_default_file ();
  GKeyFile *checks = g_key_file_new ();

  g_key_file_load_from_file (checks, g_file_peek_path (file), G_KEY_FILE_NONE, NULL);
  return checks;
}

void
save_checks (GKeyFile *checks)
{
  g_autoptr(GFile) file = pv_tracked_checks_default_file ();
  g_autoptr(GAsyncResult) written = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  char *data = g_key_file_to_data (checks, &length, NULL);
  g_autoptr(GBytes) bytes = g_bytes_new_take (data, length);

  pv_file_write_private_async (file, bytes, NULL, got_result_cb, &written);
  if (!pv_file_write_private_finish (wait_for (&written), &error))
    g_printerr (_("provisioctl: could not keep the token checks: %s\n"), error->message);
}

static gboolean
parse_date (const char  *text,
            gint64      *out,
            GError     **error)
{
  g_autofree char *full = NULL;

  *out = 0;
  if (text == NULL)
    return TRUE;
  /* A day alone is that day's start, UTC. */
  full = strlen (text) == 10 ? g_strconcat (text, "T00:00:00Z", NULL) : g_strdup (text);
  if (pv_time_parse (full, out))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("“%s” is not a date: write 2027-01-31 or 2027-01-31T12:00:00Z"), text);
  return FALSE;
}

static gboolean
clear_token (const PvTrackedApp  *app,
             const char          *kind,
             PvCredentialKind     credential,
             GError             **error)
{
  g_autofree char *id = pv_tracked_app_credential_id (app, kind);
  g_autoptr(GAsyncResult) cleared = NULL;

  pv_credentials_clear_async (id, credential, NULL, got_result_cb, &cleared);
  return pv_credentials_clear_finish (wait_for (&cleared), error);
}

static void
print_dates (const PvTrackedApp        *app,
             const PvTrackedConnection *connection)
{
  g_autofree char *expires = pv_time_format (connection->expires_at);

  /* Translators: an app, "users" or "persons", a date, where the date comes from */
  g_print (_("%s %s: expires %s (%s)\n"), app->id, connection->kind, expires,
           pv_expiry_source_to_label (connection->source));
}

int
app_vendors (GFile  *file,
             char  **args)
{
  g_auto(GStrv) ids = pv_vendor_list ();

  for (guint i = 0; ids[i]; i++)
    {
      g_autoptr(PvVendor) vendor = pv_vendor_lookup (ids[i], NULL);
      g_autofree char *connections = g_strjoinv (",", vendor->connections);
      g_autofree char *lifetime = vendor->lifetime_days ? g_strdup_printf ("%ud", vendor->lifetime_days)
                                                        : g_strdup ("-");

      g_print ("%-14s %-16s %-15s %-6s %s\n", vendor->id, vendor->name, connections, lifetime,
               vendor->scim_url ? vendor->scim_url : "");
    }
  return 0;
}

int
app_add (GFile  *file,
         char  **args)
{
  const char *id = args[0];
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tenants = NULL;
  g_autoptr(GFile) apps = apps_file (file);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PvTrackedApp) app = NULL;
  g_autofree char *pasted = NULL;
  PvTrackRequest request = { id, opt_name, args[1], opt_kind ? opt_kind : "users", opt_url };

  if (!kind_is_valid (request.kind))
    return 2;
  if (!parse_date (opt_issued, &request.issued_at, &error) ||
      !parse_date (opt_expires, &request.entered_expiry, &error) ||
      (tenants = load_profiles (file, &error)) == NULL)
    return fail (error);
  for (guint i = 0; i < tenants->len; i++)
    if (g_str_equal (((PvProfile *) g_ptr_array_index (tenants, i))->id, id))
      {
        g_printerr (_("provisioctl: “%s” is a tenant already; choose another name\n"), id);
        return 2;
      }

  /* Everything is checked before anything is kept: the dates, then the
   * token against the vendor (pv-tracked-add.c). */
  if (!opt_dates_only)
    request.pasted = pasted = read_token (_("Token: "));
  pv_tracked_app_track_async (apps, &request, NULL, got_result_cb, &result);
  app = pv_tracked_app_track_finish (wait_for (&result), &error);
  if (pasted != NULL)
    explicit_bzero (pasted, strlen (pasted));
  if (app == NULL)
    return fail (error);
  if (opt_dates_only)
    {
      g_autoptr(GError) cleared = NULL;

      /* Dates only from now on: no token of it stays in the keyring. */
      if (!clear_token (app, request.kind, PV_CREDENTIAL_APP_TOKEN, &cleared))
        g_printerr ("provisioctl: %s\n", cleared->message);
    }

  print_dates (app, pv_tracked_app_get_connection (app, request.kind));
  if (!opt_dates_only)
    g_print (_("The vendor accepts the token; it is kept in the keyring only.\n"));
  return 0;
}

int
app_list (GFile  *file,
          char  **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) apps = load_apps (file, &error);
  g_autoptr(GKeyFile) checks = load_checks ();

  if (apps == NULL)
    return fail (error);
  for (guint i = 0; i < apps->len; i++)
    {
      PvTrackedApp *app = g_ptr_array_index (apps, i);

      for (guint c = 0; c < app->connections->len; c++)
        {
          PvTrackedConnection *connection = g_ptr_array_index (app->connections, c);
          g_autofree char *expires = pv_time_format (connection->expires_at);
          PvProbeVerdict verdict;
          const char *checked = pv_tracked_checks_get (checks, app, connection->kind, &verdict, NULL, NULL)
                                ? pv_probe_verdict_to_string (verdict) : "-";

          g_print ("%-14s %-12s %-8s %-20s %-9s %-14s %s%s\n", app->id, app->vendor, connection->kind, expires,
                   pv_expiry_source_to_string (connection->source),
                   connection->token_in_keyring ? checked : _("(dates only)"), connection->scim_base_url,
                   connection->sent_at ? _(" (new token handed to Entra, waiting for its next cycle)")
                   : connection->pending_since ? _(" (new token not yet handed over)") : "");
        }
    }
  return 0;
}

int
app_remove (GFile  *file,
            char  **args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) apps = load_apps (file, &error);
  g_autoptr(GKeyFile) checks = load_checks ();
  PvTrackedApp *app;
  guint index;

  if (apps == NULL)
    return fail (error);
  if ((app = find_app (apps, args[0], &index)) == NULL)
    {
      g_printerr (_("provisioctl: no app “%s”; see provisioctl app list\n"), args[0]);
      return 1;
    }
  /* The tokens first: a file that still names the app is better than a
   * token left behind in the keyring. */
  for (guint c = 0; c < app->connections->len; c++)
    {
      PvTrackedConnection *connection = g_ptr_array_index (app->connections, c);
      g_autofree char *group = pv_tracked_app_credential_id (app, connection->kind);

      if (!clear_token (app, connection->kind, PV_CREDENTIAL_APP_TOKEN, &error) ||
          !clear_token (app, connection->kind, PV_CREDENTIAL_APP_TOKEN_PENDING, &error))
        return fail (error);
      g_key_file_remove_group (checks, group, NULL);
    }
  g_ptr_array_remove_index (apps, index);
  if (!save_apps (file, apps, &error))
    return fail (error);
  save_checks (checks);
  g_print (_("Forgot %s and its tokens; nothing changed at the vendor\n"), args[0]);
  return 0;
}

static void
print_steps (GPtrArray *steps)
{
  for (guint i = 0; i < steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (steps, i);

      g_printerr ("%u. %s\n   %s\n", i + 1, step->title, step->detail);
      if (step->link != NULL)
        g_printerr ("   %s\n", step->link);
    }
}

static gboolean
flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_CONTINUE;
}

/* --wait: until the next read of the job is due (PV_ENTRA_CYCLE_POLL_SECONDS,
 * as the app's paste window), or Ctrl+C.  Returns FALSE if interrupted. */
static gboolean
wait_for_next_read (gboolean *interrupted)
{
  gboolean due = FALSE;
  guint timeout = g_timeout_add_seconds (PV_ENTRA_CYCLE_POLL_SECONDS, flag_cb, &due);

  while (!due && !*interrupted)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  return !*interrupted;
}

/* Handed to Entra through Graph at @sent_at: what its job did since, read
 * (pv_entra_job_cycle_since(), as the app's paste window) until a cycle
 * tells if --wait.  Returns 0 once a cycle succeeded with the token, or the
 * command's exit status: 75 not yet, 1 failed or unreadable. */
static int
await_cycle (const char *id,
             const char *kind,
             gint64      sent_at)
{
  g_autofree char *sent = pv_format_date (sent_at);
  g_autofree char *shown = NULL;
  gboolean interrupted = FALSE;
  guint sigint = opt_wait ? g_unix_signal_add (SIGINT, flag_cb, &interrupted) : 0;
  int status;

  for (guint read = 0; ; read++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PvEntraJob) job = NULL;
      g_autofree char *state = NULL;
      int cycle = entra_cycle_since (id, kind, sent_at, &job, &error);

      if (cycle < 0)
        {
          /* Translators: %s is what went wrong */
          g_printerr (_("provisioctl: cannot read Entra's provisioning job: %s\n"), error->message);
          if (read == 0 || !opt_wait)
            {
              g_printerr ("%s\n", _("Nothing is lost: the new token waits in the keyring. Once Provisio can read "
                                    "the job, run this again."));
              status = 1;
              break;
            }
          g_printerr ("%s\n", _("Provisio reads it again in a minute; nothing is lost."));
        }
      else
        {
          state = pv_entra_job_describe (job, g_get_real_time () / G_USEC_PER_SEC);
          if (cycle == PV_ENTRA_CYCLE_FAILED)
            {
              /* Translators: a date and time, then the job's state and its error */
              g_printerr (_("provisioctl: Entra's provisioning failed after it got the new token on %s: %s%s%s\n"),
                          sent, state, job->quarantine_error ? ": " : "",
                          job->quarantine_error ? job->quarantine_error : "");
              g_printerr ("%s\n", _("The new token waits in the keyring and nothing was recorded. See the Entra "
                                    "app's provisioning logs, then run this again."));
              status = 1;
              break;
            }
          if (cycle == PV_ENTRA_CYCLE_SUCCEEDED)
            {
              /* Translators: the job's state */
              g_printerr (_("Entra provisions with the new token: %s\n"), state);
              status = 0;
              break;
            }
          if (!opt_wait)
            {
              /* Translators: a date and time, then the job's state */
              g_printerr (_("Entra has had the new token since %s but has not finished a provisioning cycle with "
                            "it yet (%s). Run this again after its next cycle (within 40 minutes); nothing is "
                            "lost.\n"), sent, state);
              status = 75;
              break;
            }
          /* Progress: once, then whenever what the job says changes */
          if (shown == NULL)
            /* Translators: the job's state, such as "Active; last successful run 20 minutes ago" */
            g_printerr (_("Waiting for Entra's next provisioning cycle with the new token (%s). Ctrl+C stops "
                          "waiting; nothing is lost.\n"), state);
          else if (g_strcmp0 (shown, state) != 0)
            /* Translators: the job's state, while waiting for its next cycle */
            g_printerr (_("Entra: %s\n"), state);
          g_free (shown);
          shown = g_steal_pointer (&state);
        }
      if (!wait_for_next_read (&interrupted))
        {
          /* Stopped: the token stays handed over and waiting, as the app shows it */
          g_printerr ("\n");
          g_printerr (_("Entra has had the new token since %s but has not finished a provisioning cycle with "
                        "it yet (%s). Run this again after its next cycle (within 40 minutes); nothing is "
                        "lost.\n"), sent, shown ? shown : "");
          status = 75;
          break;
        }
    }
  if (sigint != 0)
    g_source_remove (sigint);
  return status;
}

/* The pasted token is in the identity provider: it becomes the token,
 * the old one is forgotten (pv_tracked_app_handed_over_async()).  Handed
 * to Entra through Graph (@sent_at), only once a cycle since succeeded. */
static int
finish_renewal (GFile          *file,
                const char     *id,
                const char     *kind,
                gint64          sent_at,
                const PvVendor *vendor)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GKeyFile) checks = load_checks ();
  g_autoptr(GFile) apps = apps_file (file);
  g_autoptr(PvTrackedApp) app = NULL;
  g_autofree char *group = NULL;

  if (sent_at != 0)
    {
      int status = await_cycle (id, kind, sent_at);

      if (status != 0)
        return status;
    }
  pv_tracked_app_handed_over_async (apps, id, kind, NULL, got_result_cb, &result);
  app = pv_tracked_app_handed_over_finish (wait_for (&result), &error);
  if (app == NULL)
    return fail (error);
  /* The old token's verdict says nothing of the new one. */
  group = pv_tracked_app_credential_id (app, kind);
  g_key_file_remove_group (checks, group, NULL);
  save_checks (checks);
  print_dates (app, pv_tracked_app_get_connection (app, kind));
  if (!vendor->old_token_dies && vendor->max_active != 1)
    /* Translators: a vendor's name */
    g_print (_("%s keeps the old token: delete it in its console once the identity provider provisions with "
               "the new one.\n"), vendor->name);
  return 0;
}

int
app_renew (GFile  *file,
           char  **args)
{
  const char *id = args[0];
  const char *kind = args[1];
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(PvVendor) vendor = NULL;
  g_autoptr(GPtrArray) vendor_steps = NULL;
  g_autoptr(GPtrArray) idp_steps = NULL;
  g_autoptr(PvEntraConfig) config = NULL;
  g_autoptr(GFile) file_of_apps = apps_file (file);
  g_autoptr(GAsyncResult) pasted_result = NULL;
  g_autoptr(PvTrackedApp) saved = NULL;
  g_autofree char *pasted = NULL;
  PvTrackedConnection *connection;
  PvTrackedApp *app;
  gint64 issued_at, entered_expiry;
  const char *idp;
  char *token = NULL;

  if (!kind_is_valid (kind))
    return 2;
  if ((apps = load_apps (file, &error)) == NULL)
    return fail (error);
  if ((app = find_app (apps, id, NULL)) == NULL || (connection = pv_tracked_app_get_connection (app, kind)) == NULL)
    {
      g_printerr (_("provisioctl: no app “%s” with a %s connection; see provisioctl app list\n"), id, kind);
      return 1;
    }
  if ((vendor = pv_vendor_lookup (app->vendor, &error)) == NULL)
    return fail (error);
  if (opt_handed_over)
    return finish_renewal (file, id, kind, connection->sent_at, vendor);
  if (!parse_date (opt_issued, &issued_at, &error) || !parse_date (opt_expires, &entered_expiry, &error))
    return fail (error);

  /* 1. What happens in the vendor's console, and when */
  if (vendor->old_token_dies)
    g_printerr ("%s\n", _("Sign in to Microsoft Entra first (provisioctl entra sign-in), or have the identity "
                          "provider open: the old token stops working the moment you create the new one."));
  if (vendor->note != NULL)
    g_printerr ("%s\n", vendor->note);
  /* 2. The vendor's steps, with a link to its console */
  vendor_steps = pv_vendor_renew_steps (vendor, kind, app->name, connection->scim_base_url);
  print_steps (vendor_steps);

  /* 3. The new token, pasted once, tried before anything else, then kept
   * in the keyring as not yet handed over: closing now loses nothing. */
  pasted = read_token (_("Token: "));
  pv_tracked_app_paste_async (file_of_apps, id, kind, pasted, issued_at, entered_expiry, NULL, got_result_cb,
                              &pasted_result);
  saved = pv_tracked_app_paste_finish (wait_for (&pasted_result), &token, &error);
  explicit_bzero (pasted, strlen (pasted));
  if (saved == NULL)
    return fail (error);
  connection = pv_tracked_app_get_connection (saved, kind);

  /* 4. To the identity provider: the linked Entra app through Graph, or
   * its steps with the token to copy */
  idp = opt_idp ? opt_idp : vendor->identity_providers[0];
  {
    g_autoptr(GFile) config_file = pv_entra_config_default_file ();
    g_autoptr(GAsyncResult) loaded = NULL;

    pv_entra_config_load_async (config_file, NULL, got_result_cb, &loaded);
    config = pv_entra_config_load_finish (wait_for (&loaded), NULL);
  }
  if (g_strcmp0 (idp, "entra") == 0 && config != NULL && pv_entra_config_get_link (config, id, kind) != NULL)
    {
      PvIssuedToken issued = { NULL, token, connection->scim_base_url, NULL, NULL };
      gint64 sent_at = g_get_real_time () / G_USEC_PER_SEC;

      if (entra_hand_over (id, kind, NULL, &issued))
        {
          g_autoptr(GAsyncResult) sent_result = NULL;
          g_autoptr(PvTrackedApp) sent = NULL;

          pv_secret_free (token);
          /* 5. Recorded once Entra's next cycle succeeded with it */
          pv_tracked_app_sent_async (file_of_apps, id, kind, sent_at, NULL, got_result_cb, &sent_result);
          if ((sent = pv_tracked_app_sent_finish (wait_for (&sent_result), &error)) == NULL)
            return fail (error);
          if (opt_wait)
            return finish_renewal (file, id, kind, sent_at, vendor);
          g_printerr (_("Provisio records the new token and forgets the old one once a provisioning cycle has "
                        "succeeded with it. After Entra's next cycle, run: provisioctl app renew %s %s "
                        "--handed-over\n"), id, kind);
          return 0;
        }
    }
  else
    {
      idp_steps = pv_guide_renew_steps (idp, kind, saved->name, connection->scim_base_url);
      print_steps (idp_steps);
      g_printerr ("%s\n", _("The token to paste, on standard output:"));
      g_print ("%s\n", token);
    }
  pv_secret_free (token);
  g_printerr (_("When the identity provider has it, record it with: provisioctl app renew %s %s --handed-over\n"),
              id, kind);
  g_printerr ("%s\n", _("Before that, check that it provisions with the new token: in its provisioning logs, a "
                        "cycle since you pasted it has succeeded (Entra: the app's Provisioning logs; Okta: the "
                        "app's Push Status). Until then the old token is the one in use."));
  return 0;
}
