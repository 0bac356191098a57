/* pv-entra-ui.c: the Microsoft sign-in, linking a connection to its Entra
 * app, and the provisioning health shown for it
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisio"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-application.h"
#include "pv-entra-ui.h"
#include "pv-guide.h"
#include "pv-widgets.h"

/* -- sign-in ------------------------------------------------------------ */

typedef struct {
  GtkWindow      *window;
  PvEntraSession *session;
  GCancellable   *cancellable;
  GtkLabel       *code;
  GtkWidget      *code_box;
  GtkLabel       *status;
  GtkProgressBar *progress;
  GtkWidget      *retry;
  char           *uri;
  gint64          started;
  gint            lifetime;
  guint           tick;
  gulong          handler;
} SignIn;

static void
sign_in_free (SignIn *s)
{
  g_cancellable_cancel (s->cancellable);
  g_clear_object (&s->cancellable);
  g_clear_handle_id (&s->tick, g_source_remove);
  if (s->handler != 0 && pv_entra_session_get_graph (s->session) != NULL)
    g_clear_signal_handler (&s->handler, pv_entra_session_get_graph (s->session));
  g_object_unref (s->session);
  g_free (s->uri);
  g_free (s);
}

static gboolean
sign_in_tick_cb (gpointer user_data)
{
  SignIn *s = user_data;
  double left = s->lifetime - (g_get_monotonic_time () - s->started) / (double) G_USEC_PER_SEC;

  gtk_progress_bar_set_fraction (s->progress, CLAMP (left / s->lifetime, 0, 1));
  return G_SOURCE_CONTINUE;
}

static void
device_code_cb (PvGraph      *graph,
                PvDeviceCode *code,
                SignIn       *s)
{
  g_autofree char *text = NULL;

  gtk_label_set_label (s->code, code->user_code);
  g_free (s->uri);
  s->uri = g_strdup (code->verification_uri);
  s->lifetime = MAX (code->expires_in, 1);
  s->started = g_get_monotonic_time ();
  gtk_widget_set_visible (s->code_box, TRUE);
  /* Translators: a web address */
  text = g_strdup_printf (_("Open %s in any browser, enter this code and sign in with an account that may "
                            "manage the enterprise apps. Provisio waits here."), code->verification_uri);
  gtk_label_set_label (s->status, text);
  gtk_widget_set_visible (GTK_WIDGET (s->progress), TRUE);
  if (s->tick == 0)
    s->tick = g_timeout_add_seconds (1, sign_in_tick_cb, s);
  sign_in_tick_cb (s);
}

static void sign_in_start (SignIn *s);

static void
signed_in_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  SignIn *s = user_data;
  g_autoptr(GError) error = NULL;

  if (!pv_entra_session_sign_in_finish (PV_ENTRA_SESSION (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_clear_handle_id (&s->tick, g_source_remove);
      gtk_widget_set_visible (s->code_box, FALSE);
      gtk_widget_set_visible (GTK_WIDGET (s->progress), FALSE);
      gtk_label_set_label (s->status, error->message);
      gtk_widget_set_visible (s->retry, TRUE);
      return;
    }
  pv_toast (GTK_WIDGET (gtk_window_get_transient_for (s->window)), _("Signed in to Microsoft Entra"));
  gtk_window_destroy (s->window);
}

static void
sign_in_start (SignIn *s)
{
  PvGraph *graph = pv_entra_session_get_graph (s->session);

  gtk_widget_set_visible (s->retry, FALSE);
  gtk_label_set_label (s->status, _("Asking Microsoft for a sign-in code…"));
  if (graph != NULL && s->handler == 0)
    s->handler = g_signal_connect (graph, "device-code", G_CALLBACK (device_code_cb), s);
  pv_entra_session_sign_in_async (s->session, s->cancellable, signed_in_cb, s);
}

static void
copy_code_cb (GtkButton *button,
              SignIn    *s)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), gtk_label_get_label (s->code));
  pv_toast (GTK_WIDGET (button), _("Code copied"));
}

static void
open_page_cb (GtkButton *button,
              SignIn    *s)
{
  if (s->uri != NULL)
    gtk_show_uri (s->window, s->uri, GDK_CURRENT_TIME);
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
  SignIn *s = g_new0 (SignIn, 1);
  GtkWidget *window = adw_window_new ();
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *toast = adw_toast_overlay_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  GtkWidget *title = gtk_label_new (_("Sign In to Microsoft Entra"));
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *copy = gtk_button_new_with_mnemonic (_("_Copy Code"));
  GtkWidget *open = gtk_button_new_with_mnemonic (_("_Open Sign-In Page"));
  GtkWidget *note = gtk_label_new (_("Provisio asks for Synchronization.ReadWrite.All and Application.Read.All. "
                                     "It keeps the sign-in in the keyring only."));

  s->window = GTK_WINDOW (window);
  s->session = g_object_ref (session);
  s->cancellable = g_cancellable_new ();
  g_object_set_data_full (G_OBJECT (window), "pv-sign-in", s, (GDestroyNotify) sign_in_free);

  gtk_window_set_title (GTK_WINDOW (window), _("Sign In to Microsoft Entra"));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_default_size (GTK_WINDOW (window), 480, -1);
  gtk_widget_add_css_class (title, "title-2");
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_box_append (GTK_BOX (box), title);

  s->status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (s->status, TRUE);
  gtk_label_set_max_width_chars (s->status, 50);
  gtk_label_set_justify (s->status, GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (s->status));

  s->code_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  s->code = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_selectable (s->code, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (s->code), "title-1");
  gtk_widget_add_css_class (GTK_WIDGET (s->code), "monospace");
  gtk_accessible_update_property (GTK_ACCESSIBLE (s->code), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Sign-in code"), -1);
  gtk_box_append (GTK_BOX (s->code_box), GTK_WIDGET (s->code));
  gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (copy, "pill");
  gtk_widget_add_css_class (open, "pill");
  gtk_widget_add_css_class (open, "suggested-action");
  g_signal_connect (copy, "clicked", G_CALLBACK (copy_code_cb), s);
  g_signal_connect (open, "clicked", G_CALLBACK (open_page_cb), s);
  gtk_box_append (GTK_BOX (buttons), copy);
  gtk_box_append (GTK_BOX (buttons), open);
  gtk_box_append (GTK_BOX (s->code_box), buttons);
  gtk_widget_set_visible (s->code_box, FALSE);
  gtk_box_append (GTK_BOX (box), s->code_box);

  /* How long the code stays valid. */
  s->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_accessible_update_property (GTK_ACCESSIBLE (s->progress), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Time left to enter the code"), -1);
  gtk_widget_set_visible (GTK_WIDGET (s->progress), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (s->progress));

  s->retry = gtk_button_new_with_mnemonic (_("_Try Again"));
  gtk_widget_set_halign (s->retry, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (s->retry, "pill");
  gtk_widget_set_visible (s->retry, FALSE);
  g_signal_connect_swapped (s->retry, "clicked", G_CALLBACK (sign_in_start), s);
  gtk_box_append (GTK_BOX (box), s->retry);

  gtk_label_set_wrap (GTK_LABEL (note), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (note), 50);
  gtk_label_set_justify (GTK_LABEL (note), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (note, "dim-label");
  gtk_widget_add_css_class (note, "caption");
  gtk_box_append (GTK_BOX (box), note);

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (toast), box);
  gtk_box_append (GTK_BOX (toolbar), header);
  gtk_box_append (GTK_BOX (toolbar), toast);
  adw_window_set_content (ADW_WINDOW (window), toolbar);

  sign_in_start (s);
  return GTK_WINDOW (window);
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

typedef struct {
  GtkWindow      *window;
  PvEntraSession *session;
  PvTenantInfo   *tenant;
  char           *kind;
  GCancellable   *cancellable;
  GtkStack       *stack;
  GtkProgressBar *progress;
  GtkLabel       *message;
  GtkLabel       *skipped;
  GtkListBox     *list;
  GtkWidget      *link_button;
  GPtrArray      *apps;
  GPtrArray      *checks;
  PvGraph        *graph;
  gulong          waiting_handler;
} Link;

static void
link_free (Link *l)
{
  g_cancellable_cancel (l->cancellable);
  g_clear_object (&l->cancellable);
  if (l->graph != NULL)
    g_clear_signal_handler (&l->waiting_handler, l->graph);
  g_clear_object (&l->graph);
  g_object_unref (l->session);
  g_object_unref (l->tenant);
  g_free (l->kind);
  g_clear_pointer (&l->apps, g_ptr_array_unref);
  g_ptr_array_unref (l->checks);
  g_free (l);
}

static void
link_progress_cb (guint    done,
                  guint    total,
                  gpointer user_data)
{
  Link *l = user_data;
  g_autofree char *text = g_strdup_printf (_("%u of %u enterprise apps looked at"), done, total);

  gtk_progress_bar_set_fraction (l->progress, total > 0 ? (double) done / total : 0);
  gtk_progress_bar_set_text (l->progress, text);
}

/* Graph asked to wait: said on the progress bar until the next app is in. */
static void
link_waiting_cb (PvGraph *graph,
                 guint    seconds,
                 Link    *l)
{
  g_autofree char *text = pv_graph_describe_wait (seconds);

  gtk_progress_bar_set_text (l->progress, text);
}

static void
link_toggled_cb (Link *l)
{
  gboolean any = FALSE;

  for (guint i = 0; i < l->checks->len; i++)
    any |= gtk_check_button_get_active (g_ptr_array_index (l->checks, i));
  gtk_widget_set_sensitive (l->link_button, any);
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
  Link *l = user_data;
  g_autoptr(GError) error = NULL;
  PvConnectionInfo *connection;
  const char *url;
  GtkCheckButton *first = NULL;
  gint match;
  g_autoptr(GPtrArray) skipped = NULL;
  g_autofree char *skipped_text = NULL;
  GPtrArray *found = pv_entra_discover_finish (result, &skipped, &error);

  /* Cancelled: the window and its data are gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  connection = pv_tenant_info_get_connection (l->tenant, l->kind);
  url = connection != NULL ? pv_connection_info_get_scim_base_url (connection) : NULL;
  l->apps = found;
  if (l->apps == NULL)
    {
      gtk_label_set_label (l->message, error->message);
      gtk_stack_set_visible_child_name (l->stack, "message");
      return;
    }
  skipped_text = describe_skipped (skipped);
  if (l->apps->len == 0)
    {
      g_autofree char *text = g_strjoin ("\n\n", _("No enterprise app of this directory has a provisioning job. "
                                                    "Set up provisioning in Entra first."), skipped_text, NULL);

      gtk_label_set_label (l->message, text);
      gtk_stack_set_visible_child_name (l->stack, "message");
      return;
    }
  gtk_label_set_label (l->skipped, skipped_text);
  gtk_widget_set_visible (GTK_WIDGET (l->skipped), skipped_text != NULL);
  match = pv_entra_match (l->apps, url);
  for (guint i = 0; i < l->apps->len; i++)
    {
      PvEntraApp *app = g_ptr_array_index (l->apps, i);
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
      g_signal_connect_swapped (check, "toggled", G_CALLBACK (link_toggled_cb), l);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      gtk_list_box_append (l->list, row);
      g_ptr_array_add (l->checks, check);
    }
  link_toggled_cb (l);
  gtk_stack_set_visible_child_name (l->stack, "apps");
}

static void
link_clicked_cb (Link *l)
{
  for (guint i = 0; i < l->checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (l->checks, i)))
      {
        PvEntraApp *app = g_ptr_array_index (l->apps, i);
        g_autofree char *text = g_strdup_printf (_("Linked to “%s”"), app->display_name);

        pv_entra_session_link (l->session, pv_tenant_info_get_id (l->tenant), l->kind, app);
        pv_toast (GTK_WIDGET (gtk_window_get_transient_for (l->window)), text);
        gtk_window_destroy (l->window);
        return;
      }
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
  Link *l = g_new0 (Link, 1);
  GtkWidget *window = adw_window_new ();
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *searching = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *apps = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *intro = gtk_label_new (NULL);
  g_autofree char *title = NULL;
  g_autofree char *intro_text = NULL;

  l->window = GTK_WINDOW (window);
  l->session = g_object_ref (session);
  l->tenant = g_object_ref (tenant);
  l->kind = g_strdup (kind);
  l->cancellable = g_cancellable_new ();
  l->checks = g_ptr_array_new ();
  g_object_set_data_full (G_OBJECT (window), "pv-link", l, (GDestroyNotify) link_free);

  /* Translators: "Users" or "Persons" */
  title = g_strdup_printf (_("Link the %s Connection to Its Entra App"), pv_guide_app_name (kind));
  gtk_window_set_title (GTK_WINDOW (window), title);
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 520);

  l->link_button = gtk_button_new_with_mnemonic (_("_Link"));
  gtk_widget_add_css_class (l->link_button, "suggested-action");
  gtk_widget_set_sensitive (l->link_button, FALSE);
  g_signal_connect_swapped (l->link_button, "clicked", G_CALLBACK (link_clicked_cb), l);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), window);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), l->link_button);

  l->stack = GTK_STACK (gtk_stack_new ());
  gtk_widget_set_vexpand (GTK_WIDGET (l->stack), TRUE);
  gtk_widget_set_margin_start (GTK_WIDGET (l->stack), 18);
  gtk_widget_set_margin_end (GTK_WIDGET (l->stack), 18);
  gtk_widget_set_margin_top (GTK_WIDGET (l->stack), 18);
  gtk_widget_set_margin_bottom (GTK_WIDGET (l->stack), 18);

  gtk_widget_set_valign (searching, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (searching), gtk_label_new (_("Looking for the enterprise apps that provision…")));
  l->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  gtk_progress_bar_set_show_text (l->progress, TRUE);
  gtk_box_append (GTK_BOX (searching), GTK_WIDGET (l->progress));
  gtk_stack_add_named (l->stack, searching, "searching");

  /* Translators: "Users" or "Persons", then a tenant's name */
  intro_text = g_strdup_printf (_("Choose the Entra app that provisions the %s of %s. Users and Persons are two "
                                  "different apps: the one whose job uses this connection's tenant URL is "
                                  "chosen already."), pv_guide_app_name (kind),
                                pv_tenant_info_get_name (tenant) ? pv_tenant_info_get_name (tenant)
                                                                 : pv_tenant_info_get_id (tenant));
  gtk_label_set_label (GTK_LABEL (intro), intro_text);
  gtk_label_set_wrap (GTK_LABEL (intro), TRUE);
  gtk_label_set_xalign (GTK_LABEL (intro), 0);
  gtk_box_append (GTK_BOX (apps), intro);
  l->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (l->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (l->list), "boxed-list");
  gtk_widget_set_valign (GTK_WIDGET (l->list), GTK_ALIGN_START);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (l->list));
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_box_append (GTK_BOX (apps), scrolled);
  l->skipped = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (l->skipped, TRUE);
  gtk_label_set_xalign (l->skipped, 0);
  gtk_widget_add_css_class (GTK_WIDGET (l->skipped), "dim-label");
  gtk_widget_set_visible (GTK_WIDGET (l->skipped), FALSE);
  gtk_box_append (GTK_BOX (apps), GTK_WIDGET (l->skipped));
  gtk_stack_add_named (l->stack, apps, "apps");

  l->message = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (l->message, TRUE);
  gtk_stack_add_named (l->stack, GTK_WIDGET (l->message), "message");

  gtk_box_append (GTK_BOX (toolbar), header);
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (l->stack));
  adw_window_set_content (ADW_WINDOW (window), toolbar);

  if (!pv_entra_session_get_signed_in (session))
    {
      gtk_label_set_label (l->message, _("Sign in to Microsoft Entra in Preferences first."));
      gtk_stack_set_visible_child_name (l->stack, "message");
    }
  else
    {
      l->graph = g_object_ref (pv_entra_session_get_graph (session));
      l->waiting_handler = g_signal_connect (l->graph, "waiting", G_CALLBACK (link_waiting_cb), l);
      pv_entra_discover_async (l->graph, link_progress_cb, l, l->cancellable, discovered_cb, l);
    }
  return GTK_WINDOW (window);
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
