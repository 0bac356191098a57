/* pv-window-actions.c: the main window's actions and shortcuts
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-window-actions"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pv-calendar.h"
#include "pv-connect-window.h"
#include "pv-window-private.h"

static void
connected_cb (PvWindow     *self,
              PvTenantInfo *tenant)
{
  const char *name = pv_tenant_info_get_name (tenant);
  g_autofree char *text = NULL;

  /* Translators: %s is a tenant's name */
  text = g_strdup_printf (_("Connected to %s"), name ? name : pv_tenant_info_get_id (tenant));
  pv_window_add_toast (self, text);
  pv_window_show_tenant (self, pv_tenant_info_get_id (tenant));
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  PvWindow *self = PV_WINDOW (widget);
  PvApplication *app = _pv_window_get_app (self);
  GtkWindow *dialog;

  if (pv_application_get_demo (app))
    {
      pv_window_add_toast (self, _("Leave the demo to connect your own tenants"));
      return;
    }
  dialog = GTK_WINDOW (pv_connect_window_new (pv_application_get_tenants (app)));
  gtk_window_set_transient_for (dialog, GTK_WINDOW (self));
  g_signal_connect_object (dialog, "connected", G_CALLBACK (connected_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (dialog);
}

static void
calendar_written_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(PvWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      pv_window_add_toast (self, error->message);
      return;
    }
  name = g_file_get_basename (G_FILE (source));
  /* Translators: %s is a file name */
  text = g_strdup_printf (_("Expiries saved to %s"), name);
  pv_window_add_toast (self, text);
}

static void
calendar_chosen_cb (GtkNativeDialog *dialog,
                    int              response,
                    PvWindow        *self)
{
  g_autoptr(GFile) file = NULL;
  PvExpiryPolicy policy;
  char *ics;
  GBytes *bytes;

  if (response == GTK_RESPONSE_ACCEPT && self->tenants != NULL &&
      (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL)
    {
      g_autoptr(GListStore) all = g_list_store_new (PV_TYPE_TENANT_INFO);
      GListModel *saml = pv_entra_session_get_saml_certificates (pv_application_get_entra (_pv_window_get_app (self)));

      /* The tenants, then the SAML apps' certificates the last Import from Entra found */
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tenants)); i++)
        {
          g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (G_LIST_MODEL (self->tenants), i);

          g_list_store_append (all, tenant);
        }
      for (guint i = 0; i < g_list_model_get_n_items (saml); i++)
        {
          g_autoptr(PvTenantInfo) certificate = g_list_model_get_item (saml, i);

          g_list_store_append (all, certificate);
        }
      pv_application_get_policy (_pv_window_get_app (self), &policy);
      ics = pv_calendar_build (G_LIST_MODEL (all), &policy, g_get_real_time () / G_USEC_PER_SEC);
      bytes = g_bytes_new_take (ics, strlen (ics));
      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                           calendar_written_cb, g_object_ref (self));
      g_bytes_unref (bytes);
    }
  g_object_unref (dialog);
}

static void
export_calendar_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  PvWindow *self = PV_WINDOW (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_("Export Expiries"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("Calendar files"));
  gtk_file_filter_add_mime_type (filter, "text/calendar");
  gtk_file_filter_add_suffix (filter, "ics");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  /* Translators: the suggested file name of the calendar export */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), _("token-expiries.ics"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (calendar_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  pv_window_add_toast (PV_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PvWindow *self = PV_WINDOW (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
show_overview_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  _pv_window_select_tenant (PV_WINDOW (widget), NULL);
}

static void
next_actions_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  PvWindow *self = PV_WINDOW (widget);

  _pv_window_select_tenant (self, NULL);
  pv_dashboard_focus_next_actions (self->dashboard);
}

static void
sort_by_name_changed (GSimpleAction *action,
                      GVariant      *state,
                      gpointer       user_data)
{
  PvWindow *self = user_data;

  g_simple_action_set_state (action, state);
  self->sort_by_name = g_variant_get_boolean (state);
  _pv_window_resort (self);
}

/* The sidebar's list is one Tab stop: arrows move in it, Tab leaves it. */
static gboolean
tenant_list_key_cb (GtkEventControllerKey *controller,
                    guint                  keyval,
                    guint                  keycode,
                    GdkModifierType        state,
                    PvWindow              *self)
{
  if (keyval != GDK_KEY_Tab && keyval != GDK_KEY_ISO_Left_Tab && keyval != GDK_KEY_KP_Tab)
    return FALSE;
  if (keyval == GDK_KEY_ISO_Left_Tab || (state & GDK_SHIFT_MASK))
    gtk_widget_grab_focus (GTK_WIDGET (self->overview_row));
  else if (!adw_leaflet_get_folded (self->leaflet))
    gtk_widget_child_focus (self->content, GTK_DIR_TAB_FORWARD);
  else
    return FALSE;
  return TRUE;
}

/* The shortcuts window, made when asked for rather than with each window
 * (GTK's automatic gtk/help-overlay.ui): a hidden window never shown kept
 * in the list of toplevels costs memory and time at every launch, and GTK
 * 4.8's AT-SPI root, asked for a child past the visible ones just after a
 * dialog closed, answers with the last toplevel's path, which a window
 * never shown does not have: the app crashed under a screen reader. */
static void
show_shortcuts_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource ("/io/github/provisio/Provisio/ui/pv-shortcuts-window.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));

  gtk_window_set_transient_for (shortcuts, GTK_WINDOW (widget));
  gtk_window_present (shortcuts);
}

void
_pv_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.export-calendar", NULL, export_calendar_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.show-overview", NULL, show_overview_action);
  gtk_widget_class_install_action (widget_class, "win.next-actions", NULL, next_actions_action);
  gtk_widget_class_install_action (widget_class, "win.show-shortcuts", NULL, show_shortcuts_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_question, GDK_CONTROL_MASK, "win.show-shortcuts", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.find", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, GDK_ALT_MASK, "win.show-overview", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_j, GDK_CONTROL_MASK, "win.next-actions", NULL);
}

void
_pv_window_actions_init (PvWindow *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();
  static const GActionEntry entries[] = {
    { "sort-by-name", NULL, NULL, "false", sort_by_name_changed },
  };

  g_action_map_add_action_entries (G_ACTION_MAP (self), entries, G_N_ELEMENTS (entries), self);
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (tenant_list_key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->tenant_list), keys);
}
