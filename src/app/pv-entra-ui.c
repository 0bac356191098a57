/* pv-entra-ui.c: the Microsoft sign-in, linking a connection to its Entra
 * app, and the provisioning health shown for it
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-entra-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-application.h"
#include "pv-entra-ui.h"
#include "pv-guide.h"
#include "pv-widgets.h"

/* -- sign-in ------------------------------------------------------------ */

struct _PvEntraSignInWindow
{
  AdwWindow       parent_instance;

  PvEntraSession *session;
  GCancellable   *cancellable;
  GSignalGroup   *graph_signals;
  char           *uri;
  gint64          started;
  gint            lifetime;
  guint           tick;

  GtkLabel       *code;
  GtkWidget      *code_box;
  GtkLabel       *status;
  GtkProgressBar *progress;
  GtkWidget      *retry;
};

G_DEFINE_FINAL_TYPE (PvEntraSignInWindow, pv_entra_sign_in_window, ADW_TYPE_WINDOW)

static gboolean
sign_in_tick_cb (gpointer user_data)
{
  PvEntraSignInWindow *self = user_data;
  double left = self->lifetime - (g_get_monotonic_time () - self->started) / (double) G_USEC_PER_SEC;

  gtk_progress_bar_set_fraction (self->progress, CLAMP (left / self->lifetime, 0, 1));
  return G_SOURCE_CONTINUE;
}

static void
device_code_cb (PvGraph             *graph,
                PvDeviceCode        *code,
                PvEntraSignInWindow *self)
{
  g_autofree char *text = NULL;

  gtk_label_set_label (self->code, code->user_code);
  g_free (self->uri);
  self->uri = g_strdup (code->verification_uri);
  self->lifetime = MAX (code->expires_in, 1);
  self->started = g_get_monotonic_time ();
  gtk_widget_set_visible (self->code_box, TRUE);
  /* Translators: a web address */
  text = g_strdup_printf (_("Open %s in any browser, enter this code and sign in with an account that may "
                            "manage the enterprise apps. Provisio waits here."), code->verification_uri);
  gtk_label_set_label (self->status, text);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);
  if (self->tick == 0)
    self->tick = g_timeout_add_seconds (1, sign_in_tick_cb, self);
  sign_in_tick_cb (self);
}

static void
signed_in_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(PvEntraSignInWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pv_entra_session_sign_in_finish (PV_ENTRA_SESSION (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_handle_id (&self->tick, g_source_remove);
      gtk_widget_set_visible (self->code_box, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
      gtk_label_set_label (self->status, error->message);
      gtk_widget_set_visible (self->retry, TRUE);
      return;
    }
  pv_toast (GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (self))), _("Signed in to Microsoft Entra"));
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
sign_in_start (PvEntraSignInWindow *self)
{
  gtk_widget_set_visible (self->retry, FALSE);
  gtk_label_set_label (self->status, _("Asking Microsoft for a sign-in code…"));
  g_signal_group_set_target (self->graph_signals, pv_entra_session_get_graph (self->session));
  pv_entra_session_sign_in_async (self->session, self->cancellable, signed_in_cb, g_object_ref (self));
}

static void
copy_code_cb (PvEntraSignInWindow *self)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), gtk_label_get_label (self->code));
  pv_toast (GTK_WIDGET (self->code), _("Code copied"));
}

static void
open_page_cb (PvEntraSignInWindow *self)
{
  if (self->uri != NULL)
    gtk_show_uri (GTK_WINDOW (self), self->uri, GDK_CURRENT_TIME);
}

static void
pv_entra_sign_in_window_dispose (GObject *object)
{
  PvEntraSignInWindow *self = PV_ENTRA_SIGN_IN_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick, g_source_remove);
  if (self->graph_signals != NULL)
    g_signal_group_set_target (self->graph_signals, NULL);
  g_clear_object (&self->graph_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), PV_TYPE_ENTRA_SIGN_IN_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_pointer (&self->uri, g_free);

  G_OBJECT_CLASS (pv_entra_sign_in_window_parent_class)->dispose (object);
}

static void
pv_entra_sign_in_window_class_init (PvEntraSignInWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pv_entra_sign_in_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/provisio/Provisio/ui/pv-entra-sign-in-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PvEntraSignInWindow, code);
  gtk_widget_class_bind_template_child (widget_class, PvEntraSignInWindow, code_box);
  gtk_widget_class_bind_template_child (widget_class, PvEntraSignInWindow, status);
  gtk_widget_class_bind_template_child (widget_class, PvEntraSignInWindow, progress);
  gtk_widget_class_bind_template_child (widget_class, PvEntraSignInWindow, retry);
  gtk_widget_class_bind_template_callback (widget_class, copy_code_cb);
  gtk_widget_class_bind_template_callback (widget_class, open_page_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_start);
}

static void
pv_entra_sign_in_window_init (PvEntraSignInWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  /* The device code arrives from the session's Graph client. */
  self->graph_signals = g_signal_group_new (PV_TYPE_GRAPH);
  g_signal_group_connect (self->graph_signals, "device-code", G_CALLBACK (device_code_cb), self);
}

/**
 * pv_entra_sign_in_window_new:
 *
 * Returns: (transfer full): a window that signs in with a device code and
 *   closes once signed in
 */
GtkWindow *
pv_entra_sign_in_window_new (GtkWindow      *parent,
                             PvEntraSession *session)
{
  PvEntraSignInWindow *self = g_object_new (PV_TYPE_ENTRA_SIGN_IN_WINDOW, "transient-for", parent, NULL);

  self->session = g_object_ref (session);
  sign_in_start (self);
  return GTK_WINDOW (self);
}

/* -- preferences -------------------------------------------------------- */

typedef struct {
  PvEntraSession *session;
  AdwActionRow   *account;
  GtkWidget      *sign_in;
  GtkWidget      *sign_out;
  AdwComboRow    *cloud;
  AdwEntryRow    *directory;
  AdwEntryRow    *client;
  AdwActionRow   *import;
  GtkWidget      *import_button;
  GCancellable   *cancellable;
  gboolean        importing;
  gulong          changed;
} Prefs;

static void
prefs_free (Prefs *p)
{
  g_clear_signal_handler (&p->changed, p->session);
  g_cancellable_cancel (p->cancellable);
  g_object_unref (p->cancellable);
  g_object_unref (p->session);
  g_free (p);
}

static void
prefs_update (Prefs *p)
{
  PvGraph *graph = pv_entra_session_get_graph (p->session);
  gboolean signed_in = pv_entra_session_get_signed_in (p->session);
  const GError *error = pv_entra_session_get_error (p->session);
  g_autofree char *note = NULL;

  if (signed_in)
    {
      const char *account = pv_graph_get_account (graph);
      g_autofree char *title = account != NULL
        /* Translators: an account such as admin@contoso.com */
        ? g_strdup_printf (_("Signed in as %s"), account) : g_strdup (_("Signed in"));

      g_autofree char *lapse = pv_entra_session_describe_lapse (p->session);
      g_autofree char *subtitle = lapse != NULL ? g_strdup_printf ("%s\n%s", pv_graph_get_directory (graph), lapse)
                                                : g_strdup (pv_graph_get_directory (graph));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->account), title);
      adw_action_row_set_subtitle (p->account, error != NULL ? error->message : subtitle);
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->account), _("Not signed in"));
      adw_action_row_set_subtitle (p->account,
                                   error != NULL && !g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_SIGNED_IN)
                                   ? error->message
                                   : _("Sign in to update Entra apps for you when a token is renewed, and to see "
                                       "their provisioning health"));
    }
  gtk_widget_set_visible (p->sign_in, !signed_in);
  gtk_widget_set_visible (p->sign_out, signed_in);
  gtk_widget_set_visible (GTK_WIDGET (p->import), signed_in);
  /* What the chosen cloud does not offer, said before a renewal needs it. */
  note = graph != NULL ? pv_entra_cloud_note (graph) : NULL;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (p->cloud), note != NULL ? note : "");
}

static void
prefs_sign_in_cb (GtkButton *button,
                  Prefs     *p)
{
  GtkWindow *window = pv_entra_sign_in_window_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))),
                                                   p->session);

  gtk_window_present (window);
}

static void
prefs_sign_out_cb (GtkButton *button,
                   Prefs     *p)
{
  pv_entra_session_sign_out (p->session);
  prefs_update (p);
}

static void
prefs_apply_cb (Prefs *p)
{
  PvEntraConfig *config = pv_entra_session_get_config (p->session);
  g_autoptr(GError) error = NULL;
  guint n, selected = adw_combo_row_get_selected (p->cloud);
  const PvGraphCloud *clouds = pv_graph_clouds (&n);
  const char *cloud = selected < n ? clouds[selected].id : config->cloud;
  const char *directory = gtk_editable_get_text (GTK_EDITABLE (p->directory));
  const char *client = gtk_editable_get_text (GTK_EDITABLE (p->client));

  if (g_strcmp0 (cloud, config->cloud) == 0 && g_strcmp0 (directory, config->directory ? config->directory : "") == 0 &&
      g_strcmp0 (client, config->client_id ? config->client_id : "") == 0)
    return;
  if (!pv_entra_session_configure (p->session, cloud, directory, client, &error))
    pv_toast (GTK_WIDGET (p->account), error->message);
}

static void
import_progress_cb (guint    done,
                    guint    total,
                    gpointer user_data)
{
  Prefs *p = user_data;
  /* The link window's words for the same */
  g_autofree char *text = g_strdup_printf (_("%u of %u enterprise apps looked at"), done, total);

  adw_action_row_set_subtitle (p->import, text);
}

#define SHOWN_PER_IDLE 20

static gboolean
show_tracked_cb (gpointer user_data)
{
  GPtrArray *tracked = user_data;
  PvApplication *app = PV_APPLICATION (g_application_get_default ());
  guint n = 0;

  while (tracked->len > 0 && n++ < SHOWN_PER_IDLE)
    {
      PvTrackedApp *one = g_ptr_array_steal_index (tracked, tracked->len - 1);
      PvTrackedConnection *first = g_ptr_array_index (one->connections, 0);

      pv_tenant_list_add_tracked_app (pv_application_get_tenants (app), one, first->kind, NULL);
    }
  return tracked->len > 0 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static void
imported_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  Prefs *p = user_data;
  PvEntraImport done;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tracked = NULL;
  g_autofree char *text = NULL;

  if (!pv_entra_session_import_finish (PV_ENTRA_SESSION (source), result, &done, &tracked, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_strdup (error->message);
    }
  else
    {
      /* Translators: counts of Entra apps after Import from Entra */
      text = g_strdup_printf (_("%u new, %u updated, %u removed from Entra; %u of your tenants left as they are"),
                              done.added, done.updated, done.removed, done.provisiod);
      /* Each tracked app shown, or anew in its place: none twice; a few
       * at a time, so that hundreds do not hold up the main loop. */
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, show_tracked_cb, g_steal_pointer (&tracked),
                       (GDestroyNotify) g_ptr_array_unref);
    }
  p->importing = FALSE;
  adw_action_row_set_subtitle (p->import, text);
  gtk_widget_set_sensitive (p->import_button, TRUE);
}

static void
import_clicked_cb (GtkButton *button,
                   Prefs     *p)
{
  PvApplication *app = PV_APPLICATION (g_application_get_default ());
  GListModel *tenants = G_LIST_MODEL (pv_application_get_tenants (app));
  g_autoptr(GFile) apps_file = pv_tenant_list_get_apps_file (pv_application_get_tenants (app));
  g_autoptr(GPtrArray) urls = g_ptr_array_new_with_free_func (g_free);

  /* A list that keeps nothing (the demo's) has no apps.ini: the demo's
   * session has one of its own, removed with the demo. */
  if (apps_file == NULL)
    apps_file = pv_entra_session_get_demo_apps_file (p->session);
  if (p->importing || apps_file == NULL)
    return;
  /* The apps of the admin's own tenants stay as they are. */
  for (guint i = 0; i < g_list_model_get_n_items (tenants); i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (tenants, i);
      GListModel *connections = pv_tenant_info_get_connections (tenant);

      if (pv_tenant_list_get_tracked_app (pv_application_get_tenants (app), tenant) != NULL)
        continue;
      for (guint c = 0; c < g_list_model_get_n_items (connections); c++)
        {
          g_autoptr(PvConnectionInfo) connection = g_list_model_get_item (connections, c);

          g_ptr_array_add (urls, g_strdup (pv_connection_info_get_scim_base_url (connection)));
        }
    }
  g_ptr_array_add (urls, NULL);
  p->importing = TRUE;
  gtk_widget_set_sensitive (p->import_button, FALSE);
  pv_entra_session_import_async (p->session, apps_file, (const char * const *) urls->pdata,
                                 import_progress_cb, p, p->cancellable, imported_cb, p);
}

/**
 * pv_entra_preferences_group_new:
 *
 * Returns: (transfer full): the Microsoft Entra group of the preferences
 */
GtkWidget *
pv_entra_preferences_group_new (PvEntraSession *session)
{
  Prefs *p = g_new0 (Prefs, 1);
  PvEntraConfig *config = pv_entra_session_get_config (session);
  GtkWidget *group = adw_preferences_group_new ();
  GtkStringList *names = gtk_string_list_new (NULL);
  guint n;
  const PvGraphCloud *clouds = pv_graph_clouds (&n);

  p->session = g_object_ref (session);
  g_object_set_data_full (G_OBJECT (group), "pv-prefs", p, (GDestroyNotify) prefs_free);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Microsoft Entra"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Signed in, Provisio pastes renewed tokens into the linked Entra apps "
                                           "itself and shows their provisioning jobs' state."));

  p->account = ADW_ACTION_ROW (adw_action_row_new ());
  p->sign_in = gtk_button_new_with_mnemonic (_("_Sign In…"));
  p->sign_out = gtk_button_new_with_mnemonic (_("Sign _Out"));
  gtk_widget_set_valign (p->sign_in, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (p->sign_out, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (p->sign_in, "suggested-action");
  g_signal_connect (p->sign_in, "clicked", G_CALLBACK (prefs_sign_in_cb), p);
  g_signal_connect (p->sign_out, "clicked", G_CALLBACK (prefs_sign_out_cb), p);
  adw_action_row_add_suffix (p->account, p->sign_in);
  adw_action_row_add_suffix (p->account, p->sign_out);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (p->account));

  for (guint i = 0; i < n; i++)
    gtk_string_list_append (names, _(clouds[i].name));
  if (pv_graph_cloud_lookup (config->cloud) == NULL)
    gtk_string_list_append (names, _("Custom (from entra.ini)"));
  p->cloud = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->cloud), _("Cloud"));
  adw_combo_row_set_model (p->cloud, G_LIST_MODEL (names));
  g_object_unref (names);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (clouds[i].id, config->cloud) == 0)
      adw_combo_row_set_selected (p->cloud, i);
  if (pv_graph_cloud_lookup (config->cloud) == NULL)
    adw_combo_row_set_selected (p->cloud, n);
  g_signal_connect_swapped (p->cloud, "notify::selected", G_CALLBACK (prefs_apply_cb), p);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (p->cloud));

  p->directory = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->directory), _("Directory (tenant ID or domain)"));
  gtk_editable_set_text (GTK_EDITABLE (p->directory), config->directory ? config->directory : "");
  adw_entry_row_set_show_apply_button (p->directory, TRUE);
  g_signal_connect_swapped (p->directory, "apply", G_CALLBACK (prefs_apply_cb), p);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (p->directory));

  p->client = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->client), _("Client ID (empty: Microsoft Graph Command Line Tools)"));
  gtk_editable_set_text (GTK_EDITABLE (p->client), config->client_id ? config->client_id : "");
  adw_entry_row_set_show_apply_button (p->client, TRUE);
  g_signal_connect_swapped (p->client, "apply", G_CALLBACK (prefs_apply_cb), p);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (p->client));

  /* The whole estate: every app with a provisioning job, tracked. */
  p->cancellable = g_cancellable_new ();
  p->import = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (p->import), _("Import from Entra"));
  adw_action_row_set_subtitle (p->import, _("Track every enterprise app that provisions, with its job's state; "
                                            "its token's expiry stays unknown until you set it"));
  p->import_button = gtk_button_new_with_mnemonic (_("_Import"));
  gtk_widget_set_valign (p->import_button, GTK_ALIGN_CENTER);
  g_signal_connect (p->import_button, "clicked", G_CALLBACK (import_clicked_cb), p);
  adw_action_row_add_suffix (p->import, p->import_button);
  /* The demo keeps nothing: its import would land in the admin's apps,
   * unless the demo has a Microsoft of its own (and an apps.ini with it). */
  {
    g_autoptr(GFile) demo_apps = pv_entra_session_get_demo_apps_file (session);

    gtk_widget_set_sensitive (p->import_button,
                              PV_IS_APPLICATION (g_application_get_default ()) &&
                              (demo_apps != NULL ||
                               !pv_application_get_demo (PV_APPLICATION (g_application_get_default ()))));
  }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), GTK_WIDGET (p->import));

  p->changed = g_signal_connect_swapped (session, "changed", G_CALLBACK (prefs_update), p);
  prefs_update (p);
  return group;
}

/* -- linking ------------------------------------------------------------ */

struct _PvEntraLinkWindow
{
  AdwWindow       parent_instance;

  PvEntraSession *session;
  PvTenantInfo   *tenant;
  char           *kind;
  GCancellable   *cancellable;
  GPtrArray      *apps;
  GPtrArray      *checks;

  GtkStack       *stack;
  GtkProgressBar *progress;
  GtkLabel       *intro;
  GtkLabel       *message;
  GtkLabel       *skipped;
  GtkListBox     *list;
  GtkWidget      *link_button;
  PvGraph        *graph;          /* while discovering: its waits shown */
  gulong          waiting_handler;
};

G_DEFINE_FINAL_TYPE (PvEntraLinkWindow, pv_entra_link_window, ADW_TYPE_WINDOW)

static void
link_progress_cb (guint    done,
                  guint    total,
                  gpointer user_data)
{
  PvEntraLinkWindow *self = user_data;
  g_autofree char *text = g_strdup_printf (_("%u of %u enterprise apps looked at"), done, total);

  gtk_progress_bar_set_fraction (self->progress, total > 0 ? (double) done / total : 0);
  gtk_progress_bar_set_text (self->progress, text);
}

/* Graph asked to wait: said on the progress bar until the next app is in. */
static void
link_waiting_cb (PvGraph           *graph,
                 guint              seconds,
                 PvEntraLinkWindow *self)
{
  g_autofree char *text = pv_graph_describe_wait (seconds);

  gtk_progress_bar_set_text (self->progress, text);
}

static void
link_toggled_cb (PvEntraLinkWindow *self)
{
  gboolean any = FALSE;

  for (guint i = 0; i < self->checks->len; i++)
    any |= gtk_check_button_get_active (g_ptr_array_index (self->checks, i));
  gtk_widget_set_sensitive (self->link_button, any);
}

/* The apps discovery skipped, in a few lines: how many, and each with why. */
static char *
describe_skipped (GPtrArray *skipped)
{
  GString *text;

  if (skipped == NULL || skipped->len == 0)
    return NULL;
  text = g_string_new (NULL);
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                             "Skipped %u enterprise app whose provisioning Microsoft Graph did not show:",
                                             "Skipped %u enterprise apps whose provisioning Microsoft Graph did not show:",
                                             skipped->len), skipped->len);
  for (guint i = 0; i < skipped->len && i < 5; i++)
    {
      PvEntraApp *app = g_ptr_array_index (skipped, i);

      g_string_append_c (text, '\n');
      /* Translators: an Entra app's name, then why it was skipped */
      g_string_append_printf (text, _("%s: %s"), app->display_name, app->problem);
    }
  if (skipped->len > 5)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more", skipped->len - 5),
                              skipped->len - 5);
    }
  return g_string_free (text, FALSE);
}

static void
discovered_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(PvEntraLinkWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  PvConnectionInfo *connection;
  const char *url;
  GtkCheckButton *first = NULL;
  gint match;
  g_autoptr(GPtrArray) skipped = NULL;
  g_autofree char *skipped_text = NULL;
  GPtrArray *found = pv_entra_discover_finish (result, &skipped, &error);

  /* Cancelled: the window is closed. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  connection = pv_tenant_info_get_connection (self->tenant, self->kind);
  url = connection != NULL ? pv_connection_info_get_scim_base_url (connection) : NULL;
  self->apps = found;
  if (self->apps == NULL)
    {
      gtk_label_set_label (self->message, error->message);
      gtk_stack_set_visible_child_name (self->stack, "message");
      return;
    }
  skipped_text = describe_skipped (skipped);
  if (self->apps->len == 0)
    {
      g_autofree char *text = g_strjoin ("\n\n", _("No enterprise app of this directory has a provisioning job. "
                                                    "Set up provisioning in Entra first."), skipped_text, NULL);

      gtk_label_set_label (self->message, text);
      gtk_stack_set_visible_child_name (self->stack, "message");
      return;
    }
  gtk_label_set_label (self->skipped, skipped_text);
  gtk_widget_set_visible (GTK_WIDGET (self->skipped), skipped_text != NULL);
  match = pv_entra_match (self->apps, url);
  for (guint i = 0; i < self->apps->len; i++)
    {
      PvEntraApp *app = g_ptr_array_index (self->apps, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *subtitle = NULL;

      if ((gint) i == match)
        subtitle = g_strdup_printf ("%s · %s", _("Uses this connection's tenant URL"), app->base_address);
      else
        subtitle = g_strdup (app->base_address != NULL ? app->base_address : _("Its tenant URL is not known"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), app->display_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, app->display_name, -1);
      if (first == NULL)
        first = GTK_CHECK_BUTTON (check);
      else
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), first);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), (gint) i == match);
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (link_toggled_cb), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      gtk_list_box_append (self->list, row);
      g_ptr_array_add (self->checks, check);
    }
  link_toggled_cb (self);
  gtk_stack_set_visible_child_name (self->stack, "apps");
}

static void
link_clicked_cb (PvEntraLinkWindow *self)
{
  for (guint i = 0; i < self->checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
      {
        PvEntraApp *app = g_ptr_array_index (self->apps, i);
        g_autofree char *text = g_strdup_printf (_("Linked to “%s”"), app->display_name);

        pv_entra_session_link (self->session, pv_tenant_info_get_id (self->tenant), self->kind, app);
        pv_toast (GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (self))), text);
        gtk_window_destroy (GTK_WINDOW (self));
        return;
      }
}

static void
pv_entra_link_window_dispose (GObject *object)
{
  PvEntraLinkWindow *self = PV_ENTRA_LINK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->graph != NULL)
    g_clear_signal_handler (&self->waiting_handler, self->graph);
  g_clear_object (&self->graph);
  gtk_widget_dispose_template (GTK_WIDGET (self), PV_TYPE_ENTRA_LINK_WINDOW);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->tenant);
  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->apps, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);

  G_OBJECT_CLASS (pv_entra_link_window_parent_class)->dispose (object);
}

static void
pv_entra_link_window_class_init (PvEntraLinkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pv_entra_link_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/provisio/Provisio/ui/pv-entra-link-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PvEntraLinkWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PvEntraLinkWindow, progress);
  gtk_widget_class_bind_template_child (widget_class, PvEntraLinkWindow, intro);
  gtk_widget_class_bind_template_child (widget_class, PvEntraLinkWindow, message);
  gtk_widget_class_bind_template_child (widget_class, PvEntraLinkWindow, skipped);
  gtk_widget_class_bind_template_child (widget_class, PvEntraLinkWindow, list);
  gtk_widget_class_bind_template_child (widget_class, PvEntraLinkWindow, link_button);
  gtk_widget_class_bind_template_callback (widget_class, link_clicked_cb);
}

static void
pv_entra_link_window_init (PvEntraLinkWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->checks = g_ptr_array_new ();
}

/**
 * pv_entra_link_window_new:
 *
 * Returns: (transfer full): a window that finds the Entra app of a
 *   connection and links it once the admin confirms
 */
GtkWindow *
pv_entra_link_window_new (GtkWindow      *parent,
                          PvEntraSession *session,
                          PvTenantInfo   *tenant,
                          const char     *kind)
{
  PvEntraLinkWindow *self = g_object_new (PV_TYPE_ENTRA_LINK_WINDOW, "transient-for", parent, NULL);
  g_autofree char *title = NULL;
  g_autofree char *intro = NULL;

  self->session = g_object_ref (session);
  self->tenant = g_object_ref (tenant);
  self->kind = g_strdup (kind);

  /* Translators: "Users" or "Persons" */
  title = g_strdup_printf (_("Link the %s Connection to Its Entra App"), pv_guide_app_name (kind));
  gtk_window_set_title (GTK_WINDOW (self), title);
  /* Translators: "Users" or "Persons", then a tenant's name */
  intro = g_strdup_printf (_("Choose the Entra app that provisions the %s of %s. Users and Persons are two "
                             "different apps: the one whose job uses this connection's tenant URL is "
                             "chosen already."), pv_guide_app_name (kind),
                           pv_tenant_info_get_name (tenant) ? pv_tenant_info_get_name (tenant)
                                                            : pv_tenant_info_get_id (tenant));
  gtk_label_set_label (self->intro, intro);

  if (!pv_entra_session_get_signed_in (session))
    {
      gtk_label_set_label (self->message, _("Sign in to Microsoft Entra in Preferences first."));
      gtk_stack_set_visible_child_name (self->stack, "message");
    }
  else
    {
      self->graph = g_object_ref (pv_entra_session_get_graph (session));
      self->waiting_handler = g_signal_connect (self->graph, "waiting", G_CALLBACK (link_waiting_cb), self);
      pv_entra_discover_async (self->graph, link_progress_cb, self, self->cancellable, discovered_cb,
                               g_object_ref (self));
    }
  return GTK_WINDOW (self);
}

/* -- a SAML app's certificate ------------------------------------------- */

/**
 * pv_entra_saml_steps_window_new:
 * @certificate: a SAML app's certificate (pv_entra_saml_app_new_info())
 *
 * Returns: (transfer none): a dialog with the Entra steps to roll the
 *   app's signing certificate over (data/guides/entra-saml.guide)
 */
GtkWindow *
pv_entra_saml_steps_window_new (GtkWindow    *parent,
                                PvTenantInfo *certificate)
{
  const char *name = pv_entra_saml_info_get_app_name (certificate);
  g_autofree char *body = pv_entra_saml_describe_steps (certificate);
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  /* Translators: an Entra enterprise app's name */
  heading = g_strdup_printf (_("Renew the SAML Certificate of %s"), name);
  dialog = adw_message_dialog_new (parent, heading, body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  return GTK_WINDOW (dialog);
}
