/* main.c: provisioctl, the command line for scripts, monitoring and admins:
 * finds the command and its options, and runs it (tenant.c, status.c,
 * tokens.c, app.c, entra.c)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisioctl"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "pv-profiles.h"
#include "app.h"
#include "common.h"
#include "entra.h"
#include "status.h"
#include "tenant.h"
#include "tokens.h"

static gboolean opt_version;

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Print the version and exit"), NULL },
  { NULL }
};

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
       "first request arrives. A setup left midway (--no-wait, Ctrl+C, or the app's assistant closed) whose "
       "token is still unused is continued: the wait resumes, without a new token."),
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
       "and forgets the old one. Handed to Entra through Graph, it is recorded once Entra's next cycle "
       "succeeded with it: --wait waits for that cycle."),
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
    json_entries, 0, entra_apps },
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
    json_entries, 0, entra_certificates },
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
