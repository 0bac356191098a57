/* pv-application.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-application"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-add-app-window.h"
#include "pv-application.h"
#include "pv-bench.h"
#include "pv-demo.h"
#include "pv-entra-ui.h"
#include "pv-error.h"
#include "pv-preferences-window.h"
#include "pv-files.h"
#include "pv-profiles.h"
#include "pv-reminder-cycle.h"
#include "pv-reminders.h"
#include "pv-tracked-add.h"
#include "pv-tracked-check.h"
#include "pv-renew-window.h"
#include "pv-window.h"

/* The application: the tenants it shows (the admin's own, or the demo's
 * while the demo runs), its settings and its actions.  Windows bind to
 * :tenants and show :busy; what goes wrong at this level is said through
 * ::error. */

struct _PvApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  PvEntraSession *entra;     /* the Microsoft sign-in, links and job health */
  PvTenantList   *own;       /* the admin's tenants, loaded once */
  PvDemo         *demo;      /* while the demo runs */
  GCancellable   *cancellable;
  guint           busy;
  guint           refresh_id;
  gboolean        own_loaded;
  gboolean        demo_requested;
  PvSetups       *setups;           /* setups left midway */
  char           *pending_tenant;   /* from a notification, until the tenants are loaded */
  char           *pending_kind;     /* with it, to renew */
  GHashTable     *recording;        /* "app/kind" of tracked tokens being recorded */
};

G_DEFINE_FINAL_TYPE (PvApplication, pv_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_TENANTS,
  PROP_DEMO,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_ERROR,
  SIGNAL_REMINDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

PvApplication *
pv_application_new (GApplicationFlags flags)
{
  return g_object_new (PV_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "resource-base-path", "/io/github/provisio/Provisio",
                       "flags", flags,
                       NULL);
}

static void
set_busy (PvApplication *self,
          gboolean       busy)
{
  gboolean was = self->busy > 0;

  if (busy)
    self->busy++;
  else
    self->busy--;
  if (was != (self->busy > 0))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
report (PvApplication *self,
        const GError  *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
}

/**
 * pv_application_get_tenants:
 *
 * Returns: (transfer none): the tenants shown: the demo's while it runs
 */
PvTenantList *
pv_application_get_tenants (PvApplication *self)
{
  g_return_val_if_fail (PV_IS_APPLICATION (self), NULL);
  return self->demo ? pv_demo_get_tenants (self->demo) : self->own;
}

gboolean
pv_application_get_demo (PvApplication *self)
{
  g_return_val_if_fail (PV_IS_APPLICATION (self), FALSE);
  return self->demo != NULL;
}

gboolean
pv_application_get_busy (PvApplication *self)
{
  g_return_val_if_fail (PV_IS_APPLICATION (self), FALSE);
  return self->busy > 0;
}

/**
 * pv_application_get_entra:
 *
 * Returns: (transfer none): the Microsoft sign-in, Entra links and job health
 */
PvEntraSession *
pv_application_get_entra (PvApplication *self)
{
  if (self->demo != NULL && pv_demo_get_entra (self->demo) != NULL)
    return pv_demo_get_entra (self->demo);
  return self->entra;
}

/* Views listen to the admin's session, the one they found at start; while
 * the demo runs they show its session instead (pv_application_get_entra()),
 * so its changes, and the switch itself, are told to them there too. */
static void
demo_entra_changed_cb (PvApplication *self)
{
  g_signal_emit_by_name (self->entra, "changed");
}

/**
 * pv_application_get_settings:
 *
 * Returns: (transfer none): the app's settings
 */
GSettings *
pv_application_get_settings (PvApplication *self)
{
  g_return_val_if_fail (PV_IS_APPLICATION (self), NULL);
  return self->settings;
}

/**
 * pv_application_get_policy_for:
 * @tenant: a tenant
 *
 * The reminder thresholds for @tenant: the preferences' if they set some,
 * the tenant's own schedule otherwise.
 */
void
pv_application_get_policy_for (PvApplication  *self,
                               PvTenantInfo   *tenant,
                               PvExpiryPolicy *policy)
{
  if (pv_application_get_override (self, policy) == NULL)
    *policy = *pv_tenant_info_get_policy (tenant);
}

/**
 * pv_application_get_override:
 * @self: (nullable): the application, if there is one
 * @storage: where to put the thresholds
 *
 * The thresholds that take the place of every tenant's own schedule, for
 * the dashboard's colours and actions as for the reminders.
 *
 * Returns: (nullable): @storage holding the thresholds of the preferences,
 *   or %NULL if they set none (each tenant's own schedule applies)
 */
const PvExpiryPolicy *
pv_application_get_override (PvApplication  *self,
                             PvExpiryPolicy *storage)
{
  g_autofree char *text = NULL;

  if (self == NULL)
    return NULL;
  /* Parsing keeps urgent_days if set: start from nothing, not the caller's stack. */
  *storage = (PvExpiryPolicy) { 0 };
  text = g_settings_get_string (self->settings, "reminder-thresholds");
  return *text != '\0' && pv_expiry_policy_parse (storage, text, NULL) ? storage : NULL;
}

/**
 * pv_application_get_policy:
 *
 * The reminder thresholds of the preferences; the defaults if they set none.
 */
void
pv_application_get_policy (PvApplication  *self,
                           PvExpiryPolicy *policy)
{
  g_autofree char *text = g_settings_get_string (self->settings, "reminder-thresholds");

  *policy = (PvExpiryPolicy) { 0 };
  if (!pv_expiry_policy_parse (policy, text, NULL))
    pv_expiry_policy_init_default (policy);
}

/* Reminders while the app runs: the core's cycle (pv-reminder-cycle.c),
 * the same as provisioctl remind, each sent once either way. */

static void
reminded_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PvApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  guint n_sent = 0;

  if (!pv_reminders_cycle_finish (result, &n_sent, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not send the reminders: %s", error->message);
    }
  g_signal_emit (self, signals[SIGNAL_REMINDED], 0, n_sent);
}

static void
remind (PvApplication *self)
{
  PvExpiryPolicy storage;

  if (self->demo != NULL || !g_settings_get_boolean (self->settings, "notifications"))
    return;
  pv_reminders_cycle_async (G_APPLICATION (self), self->own, self->entra, pv_application_get_override (self, &storage),
                            self->cancellable, reminded_cb, g_object_ref (self));
}

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PvApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  pv_tenant_list_refresh_finish (PV_TENANT_LIST (source), result, &error);
  if (error != NULL)
    report (self, error);
  else if (PV_TENANT_LIST (source) == self->own)
    remind (self);
  pv_entra_session_refresh_health (pv_application_get_entra (self));
}

/**
 * pv_application_refresh:
 *
 * Asks every tenant shown; each says for itself if it could not be asked.
 */
void
pv_application_refresh (PvApplication *self)
{
  PvTenantList *tenants = pv_application_get_tenants (self);

  if (pv_tenant_list_get_refreshing (tenants))
    return;
  pv_tenant_list_refresh_async (tenants, self->cancellable, refreshed_cb, g_object_ref (self));
}

static gboolean
refresh_timeout_cb (gpointer user_data)
{
  pv_application_refresh (user_data);
  return G_SOURCE_CONTINUE;
}

static void
schedule_refresh (PvApplication *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  self->refresh_id = g_timeout_add_seconds (60 * g_settings_get_uint (self->settings, "refresh-interval"),
                                            refresh_timeout_cb, self);
}

/* A SAML app's certificate (Import from Entra), which has no page: the
 * Entra steps to roll it over, as its Next Action shows them. */
static void
show_saml_steps (PvApplication *self,
                 GtkWindow     *window,
                 const char    *id)
{
  GListModel *saml = pv_entra_session_get_saml_certificates (self->entra);

  for (guint i = 0; i < g_list_model_get_n_items (saml); i++)
    {
      g_autoptr(PvTenantInfo) certificate = g_list_model_get_item (saml, i);

      if (g_str_equal (pv_tenant_info_get_id (certificate), id))
        {
          gtk_window_present (pv_entra_saml_steps_window_new (window, certificate));
          return;
        }
    }
}

/* What a notification asked for: the tenant's page, or its renew assistant;
 * for a SAML app's certificate, its steps. */
static void
open_pending (PvApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  PvTenantInfo *tenant;

  if (self->pending_tenant == NULL || window == NULL || self->demo != NULL)
    return;
  tenant = pv_tenant_list_lookup (self->own, self->pending_tenant);
  if (tenant == NULL)
    show_saml_steps (self, window, self->pending_tenant);
  /* A tracked app's page: its new token is made in the vendor's console */
  if (tenant != NULL && pv_window_show_tenant (PV_WINDOW (window), self->pending_tenant) &&
      self->pending_kind != NULL && pv_tenant_list_get_tracked_app (self->own, tenant) == NULL)
    {
      GtkWindow *renew = pv_renew_window_new (self->own, tenant, self->pending_kind);

      gtk_window_set_transient_for (renew, window);
      gtk_window_present (renew);
    }
  g_clear_pointer (&self->pending_tenant, g_free);
  g_clear_pointer (&self->pending_kind, g_free);
}

static void
open_from_notification (PvApplication *self,
                        const char    *tenant,
                        const char    *kind)
{
  g_free (self->pending_tenant);
  g_free (self->pending_kind);
  self->pending_tenant = g_strdup (tenant);
  self->pending_kind = g_strdup (kind);
  g_application_activate (G_APPLICATION (self));
  if (self->own_loaded && self->busy == 0)
    open_pending (self);
}

static gboolean
first_refresh_cb (gpointer user_data)
{
  pv_application_refresh (user_data);
  return G_SOURCE_REMOVE;
}

static void
own_loaded_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PvApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  pv_bench_mark ("keys found");
  if (!pv_tenant_list_load_finish (PV_TENANT_LIST (source), result, &error))
    report (self, error);
  set_busy (self, FALSE);
  open_pending (self);
  /* The last known state is drawn first (the window redraws shortly after
   * a change), then the tenants are asked. */
  if (error == NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_timeout_add_full (G_PRIORITY_DEFAULT, 150, first_refresh_cb, g_object_ref (self), g_object_unref);
}

static void
demo_started_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(PvApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PvDemo) demo = pv_demo_start_finish (result, &error);

  set_busy (self, FALSE);
  if (demo == NULL)
    {
      report (self, error);
      return;
    }
  self->demo = g_steal_pointer (&demo);
  if (pv_demo_get_entra (self->demo) != NULL)
    g_signal_connect_object (pv_demo_get_entra (self->demo), "changed", G_CALLBACK (demo_entra_changed_cb), self,
                             G_CONNECT_SWAPPED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEMO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TENANTS]);
  /* The tracked app's tokens asked about at once: its vendor already
   * refuses one of them, which the demo shows from the start. */
  pv_application_refresh (self);
  demo_entra_changed_cb (self);
}

/**
 * pv_application_start_demo:
 *
 * Starts the demo tenant server and shows its tenants instead of the
 * admin's own until pv_application_leave_demo() or the app quits.
 */
void
pv_application_start_demo (PvApplication *self)
{
  g_autofree char *server = NULL;

  g_return_if_fail (PV_IS_APPLICATION (self));

  if (self->demo != NULL)
    return;
  server = pv_demo_find_server ();
  if (server == NULL)
    {
      g_autoptr(GError) error = g_error_new (PV_ERROR, PV_ERROR_SERVER,
                                             _("The demo needs provisiod, which is not installed"));
      report (self, error);
      return;
    }
  set_busy (self, TRUE);
  pv_demo_start_async (server, self->cancellable, demo_started_cb, g_object_ref (self));
}

void
pv_application_leave_demo (PvApplication *self)
{
  g_return_if_fail (PV_IS_APPLICATION (self));

  if (self->demo == NULL)
    return;
  g_clear_object (&self->demo);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEMO]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TENANTS]);
  demo_entra_changed_cb (self);
}

/**
 * pv_application_get_setups:
 *
 * The setups left midway, so that the assistant resumes where it stopped
 * ($XDG_STATE_HOME/provisio/setup.ini, read at startup; PvSetups).
 *
 * Returns: (transfer none) (nullable): the setups; %NULL in the demo,
 *   whose tenants go with it
 */
PvSetups *
pv_application_get_setups (PvApplication *self)
{
  g_return_val_if_fail (PV_IS_APPLICATION (self), NULL);
  return self->demo != NULL ? NULL : self->setups;
}

static void
setups_loaded_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!pv_setups_load_finish (PV_SETUPS (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not read the setups in progress: %s", error->message);
}

/* Actions */

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { "The Provisio authors", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", "Provisio",
                         "application-icon", APP_ID,
                         "developer-name", "The Provisio authors",
                         "version", PACKAGE_VERSION,
                         "comments", _("Keeps SCIM provisioning tokens renewed before they expire"),
                         "website", "https://github.com/provisio/provisio",
                         "issue-url", "https://github.com/provisio/provisio/issues",
                         "developers", developers,
                         "copyright", "© 2026 The Provisio authors",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* Translators: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
help_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *page = parameter ? g_variant_get_string (parameter, NULL) : "";
  g_autofree char *uri = g_strconcat ("help:provisio", *page ? "/" : "", page, NULL);

  gtk_show_uri (gtk_application_get_active_window (app), uri, GDK_CURRENT_TIME);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PvApplication *self = user_data;
  GtkWindow *window = pv_preferences_window_new (self->settings, pv_application_get_entra (self));

  gtk_window_set_transient_for (window, gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (window);
}

static void
demo_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  pv_application_start_demo (user_data);
}

static void
leave_demo_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  pv_application_leave_demo (user_data);
}

static void
refresh_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  pv_application_refresh (user_data);
}

static void
show_tenant_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  open_from_notification (user_data, g_variant_get_string (parameter, NULL), NULL);
}

static void
renew_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  const char *tenant, *kind;

  g_variant_get (parameter, "(&s&s)", &tenant, &kind);
  if (g_strcmp0 (kind, "users") == 0 || g_strcmp0 (kind, "persons") == 0)
    open_from_notification (user_data, tenant, kind);
}

static void
add_app_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  PvApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *dialog = GTK_WINDOW (pv_add_app_window_new (self->own));

  gtk_window_set_transient_for (dialog, window);
  gtk_window_present (dialog);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
  { "help", help_activated, "s" },
  { "preferences", preferences_activated },
  { "demo", demo_activated },
  { "leave-demo", leave_demo_activated },
  { "refresh", refresh_activated },
  { "add-app", add_app_activated },
  /* From the reminders' notifications (provisioctl remind) */
  { "show-tenant", show_tenant_activated, "s" },
  { "renew", renew_activated, "(ss)" },
};

static void
update_action_states (PvApplication *self)
{
  GAction *demo = g_action_map_lookup_action (G_ACTION_MAP (self), "demo");
  GAction *leave = g_action_map_lookup_action (G_ACTION_MAP (self), "leave-demo");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (demo), self->demo == NULL && self->busy == 0);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (leave), self->demo != NULL);
  /* The demo's list keeps nothing: leave it to track your own apps. */
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (G_ACTION_MAP (self), "add-app")),
                               self->demo == NULL);
}

/* A tracked token handed to Entra through Graph is recorded, and the old
 * one forgotten, once the job's health (read after each refresh) shows a
 * cycle since that succeeded: also with the paste-once window closed. */

typedef struct {
  PvApplication *self;
  char          *key;
} Recording;

static void
provisioned_recorded_cb (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  Recording *recording = user_data;
  g_autoptr(PvApplication) self = recording->self;
  g_autoptr(GError) error = NULL;
  PvTrackedApp *app = pv_tracked_app_handed_over_finish (result, &error);

  if (self->recording != NULL)
    g_hash_table_remove (self->recording, recording->key);
  g_free (recording->key);
  g_free (recording);
  if (app != NULL && self->own != NULL)
    {
      pv_tenant_list_add_tracked_app (self->own, app, NULL, NULL);
      /* The old token's verdict is forgotten: the new one is asked about now */
      pv_application_refresh (self);
    }
  else if (app != NULL)
    pv_tracked_app_free (app);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* Recorded meanwhile by the paste-once window, which saw the same cycle */
    g_debug ("A tracked token Entra provisions with was not recorded here: %s", error->message);
}

static void
record_provisioned (PvApplication *self)
{
  GListModel *tenants = G_LIST_MODEL (self->own);
  g_autoptr(GFile) file = pv_tenant_list_get_apps_file (self->own);

  for (guint i = 0; i < g_list_model_get_n_items (tenants); i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (tenants, i);
      PvTrackedApp *app = pv_tenant_list_get_tracked_app (self->own, tenant);

      for (guint c = 0; app != NULL && c < app->connections->len; c++)
        {
          PvTrackedConnection *connection = g_ptr_array_index (app->connections, c);
          const PvEntraJob *job;
          Recording *recording;

          if (connection->sent_at == 0 || connection->pending_since == 0)
            continue;
          job = pv_entra_session_get_job (self->entra, app->id, connection->kind, NULL);
          if (job == NULL || pv_entra_job_cycle_since (job, connection->sent_at) != PV_ENTRA_CYCLE_SUCCEEDED)
            continue;
          recording = g_new0 (Recording, 1);
          recording->key = g_strdup_printf ("%s/%s", app->id, connection->kind);
          if (!g_hash_table_add (self->recording, g_strdup (recording->key)))
            {
              g_free (recording->key);
              g_free (recording);
              continue;
            }
          recording->self = g_object_ref (self);
          pv_tracked_app_handed_over_async (file, app->id, connection->kind, self->cancellable,
                                            provisioned_recorded_cb, recording);
        }
    }
}

/* GApplication */

static void
entra_loaded_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!pv_entra_session_load_finish (PV_ENTRA_SESSION (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not load the Entra settings: %s", error->message);
}

static void
pv_application_startup (GApplication *app)
{
  PvApplication *self = PV_APPLICATION (app);
  const char *quit_accels[] = { "<Primary>q", NULL };
  const char *help_accels[] = { "F1", NULL };
  const char *refresh_accels[] = { "<Primary>r", "F5", NULL };
  const char *preferences_accels[] = { "<Primary>comma", NULL };

  pv_bench_mark ("startup");
  G_APPLICATION_CLASS (pv_application_parent_class)->startup (app);
  pv_bench_mark ("GTK started");

  self->settings = g_settings_new (BASE_ID);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help::", help_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.refresh", refresh_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", preferences_accels);
  g_signal_connect_swapped (self, "notify::demo", G_CALLBACK (update_action_states), self);
  g_signal_connect_swapped (self, "notify::busy", G_CALLBACK (update_action_states), self);
  update_action_states (self);
  g_signal_connect_swapped (self->settings, "changed::refresh-interval", G_CALLBACK (schedule_refresh), self);
  schedule_refresh (self);
  pv_entra_session_load_async (self->entra, self->cancellable, entra_loaded_cb, NULL);
  g_signal_connect_object (self->entra, "changed", G_CALLBACK (record_provisioned), self, G_CONNECT_SWAPPED);
}

static void
pv_application_activate (GApplication *app)
{
  PvApplication *self = PV_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  pv_bench_mark ("activate");
  /* The tenants' files are read, and their cached states parsed, in a
   * worker thread while the window is built and presented: its first frame
   * shows them.  Started before GTK's own start instead, the read slowed
   * it more than it gained (docs/benchmarks.md). */
  if (!self->demo_requested && !self->own_loaded)
    {
      pv_setups_load_async (self->setups, self->cancellable, setups_loaded_cb, NULL);
      self->own_loaded = TRUE;
      set_busy (self, TRUE);
      pv_tenant_list_load_async (self->own, self->cancellable, own_loaded_cb, g_object_ref (self));
    }
  if (window == NULL)
    {
      window = GTK_WINDOW (pv_window_new (self));
      pv_bench_mark ("window built");
      pv_bench_attach (self, window);
    }
  gtk_window_present (window);
  pv_bench_mark ("presented");

  if (self->demo_requested)
    {
      self->demo_requested = FALSE;
      pv_application_start_demo (self);
    }
}

static int
pv_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  PvApplication *self = PV_APPLICATION (app);

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("provisio %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_contains (options, "demo"))
    self->demo_requested = TRUE;
  return -1;
}

static void
pv_application_shutdown (GApplication *app)
{
  PvApplication *self = PV_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  /* The demo server stops with it. */
  g_clear_object (&self->demo);

  G_APPLICATION_CLASS (pv_application_parent_class)->shutdown (app);
}

static void
pv_application_dispose (GObject *object)
{
  PvApplication *self = PV_APPLICATION (object);

  g_clear_object (&self->demo);
  g_clear_object (&self->own);
  g_clear_object (&self->settings);
  g_clear_object (&self->entra);
  g_clear_pointer (&self->recording, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->pending_tenant, g_free);
  g_clear_pointer (&self->pending_kind, g_free);
  g_clear_object (&self->setups);

  G_OBJECT_CLASS (pv_application_parent_class)->dispose (object);
}

static void
pv_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PvApplication *self = PV_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_TENANTS:
      g_value_set_object (value, pv_application_get_tenants (self));
      break;
    case PROP_DEMO:
      g_value_set_boolean (value, pv_application_get_demo (self));
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, pv_application_get_busy (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pv_application_class_init (PvApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = pv_application_dispose;
  object_class->get_property = pv_application_get_property;
  app_class->startup = pv_application_startup;
  app_class->activate = pv_application_activate;
  app_class->handle_local_options = pv_application_handle_local_options;
  app_class->shutdown = pv_application_shutdown;

  properties[PROP_TENANTS] = g_param_spec_object ("tenants", NULL, NULL, PV_TYPE_TENANT_LIST, flags);
  properties[PROP_DEMO] = g_param_spec_boolean ("demo", NULL, NULL, FALSE, flags);
  properties[PROP_BUSY] = g_param_spec_boolean ("busy", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * PvApplication::error:
   * @error: what went wrong, for the window to say
   */
  signals[SIGNAL_ERROR] = g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                        NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * PvApplication::reminded:
   * @n_sent: how many notifications this pass sent (one summary for many
   *   reminders)
   *
   * A pass over what is due, after a refresh of the app's own tenants, is
   * over: its notifications are handed to the desktop.
   */
  signals[SIGNAL_REMINDED] = g_signal_new ("reminded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                           NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
pv_application_init (PvApplication *self)
{
  const char *path = g_getenv ("PROVISIO_TENANTS_FILE");
  g_autoptr(GFile) file = path ? g_file_new_for_path (path) : pv_profiles_default_file ();
  const GOptionEntry options[] = {
    { "demo", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Start a demo tenant server and show its tenants"), NULL },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
    { NULL }
  };

  self->own = pv_tenant_list_new (file);
  self->cancellable = g_cancellable_new ();
  {
    g_autoptr(GFile) setups = pv_setups_default_file ();

    self->setups = pv_setups_new (setups);
  }
  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Keeps SCIM provisioning tokens renewed before they expire."));
  self->entra = pv_entra_session_new (NULL);
  self->recording = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
