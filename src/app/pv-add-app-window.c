/* pv-add-app-window.c: tracking an app's token, from the catalog
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-add-app-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pv-add-app-window.h"
#include "pv-guide.h"
#include "pv-time.h"
#include "pv-tracked-add.h"
#include "pv-vendor.h"
#include "pv-widgets.h"

/* A vendor of the catalog (or "Other SCIM app"), a name, and for one of its
 * connections the SCIM base URL (the vendor's own, filled in, where it has
 * one) and either the token, pasted, or only its expiry date.  Everything is
 * checked by pv_tracked_app_track_async() before anything is kept: the token
 * against the vendor, then into the keyring only. */

struct _PvAddAppWindow
{
  AdwWindow     parent_instance;

  PvTenantList *tenants;
  GCancellable *cancellable;
  GStrv         vendors;      /* ids, in the combo's order */
  GtkWidget    *vendor_row;
  GtkWidget    *kind_row;
  GtkWidget    *name_row;
  GtkWidget    *url_row;
  GtkWidget    *token_row;
  GtkWidget    *expires_row;
  GtkWidget    *add_button;
  GtkWidget    *spinner;
  GtkLabel     *note_label;
  GtkLabel     *error_label;
};

G_DEFINE_FINAL_TYPE (PvAddAppWindow, pv_add_app_window, ADW_TYPE_WINDOW)

static void
show_error (PvAddAppWindow *self,
            const char     *text)
{
  gtk_label_set_label (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static void
set_busy (PvAddAppWindow *self,
          gboolean        busy)
{
  GtkWidget *rows[] = { self->vendor_row, self->kind_row, self->name_row, self->url_row, self->token_row,
                        self->expires_row, self->add_button };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    gtk_widget_set_sensitive (rows[i], !busy);
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
}

static PvVendor *
selected_vendor (PvAddAppWindow *self)
{
  guint i = adw_combo_row_get_selected (ADW_COMBO_ROW (self->vendor_row));

  return i < g_strv_length (self->vendors) ? pv_vendor_lookup (self->vendors[i], NULL) : NULL;
}

static const char *
selected_kind (PvAddAppWindow *self)
{
  g_autoptr(PvVendor) vendor = selected_vendor (self);
  guint i = adw_combo_row_get_selected (ADW_COMBO_ROW (self->kind_row));

  if (vendor == NULL || i >= g_strv_length (vendor->connections))
    return "users";
  return g_str_equal (vendor->connections[i], "persons") ? "persons" : "users";
}

/* The vendor's facts: its connections, its one URL, what to know */
static void
vendor_changed_cb (PvAddAppWindow *self)
{
  g_autoptr(PvVendor) vendor = selected_vendor (self);
  g_autoptr(GtkStringList) kinds = gtk_string_list_new (NULL);
  g_autofree char *note = NULL;

  if (vendor == NULL)
    return;
  for (guint i = 0; vendor->connections[i]; i++)
    gtk_string_list_append (kinds, pv_guide_app_name (vendor->connections[i]));
  adw_combo_row_set_model (ADW_COMBO_ROW (self->kind_row), G_LIST_MODEL (kinds));
  gtk_widget_set_visible (self->kind_row, g_strv_length (vendor->connections) > 1);
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), vendor->scim_url ? vendor->scim_url : "https://");
  if (vendor->lifetime_days > 0)
    /* Translators: a vendor's name, then how many days its tokens last */
    note = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s tokens last %u day from the day they are made.",
                                         "%s tokens last %u days from the day they are made.",
                                         vendor->lifetime_days),
                            vendor->name, vendor->lifetime_days);
  else
    note = g_strdup (_("Enter the expiry date unless the token is a JSON Web Token that says it."));
  gtk_label_set_label (self->note_label, note);
}

static void
tracked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(PvAddAppWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  PvTrackedApp *app = pv_tracked_app_track_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (app == NULL)
    {
      show_error (self, error->message);
      return;
    }
  pv_tenant_list_add_tracked_app (self->tenants, app, NULL, NULL);
  gtk_window_close (GTK_WINDOW (self));
}

static void
add_clicked_cb (PvAddAppWindow *self)
{
  g_autoptr(PvVendor) vendor = selected_vendor (self);
  g_autoptr(GFile) apps = pv_tenant_list_get_apps_file (self->tenants);
  const char *expires = gtk_editable_get_text (GTK_EDITABLE (self->expires_row));
  const char *token = gtk_editable_get_text (GTK_EDITABLE (self->token_row));
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->url_row))));
  g_autofree char *day = NULL;
  PvTrackRequest request = { gtk_editable_get_text (GTK_EDITABLE (self->name_row)), NULL,
                             vendor ? vendor->id : NULL, selected_kind (self), url };

  if (apps == NULL || vendor == NULL)
    return;
  if (*expires != '\0')
    {
      day = g_strconcat (g_strstrip (g_strdup (expires)), "T00:00:00Z", NULL);
      if (!pv_time_parse (day, &request.entered_expiry))
        {
          show_error (self, _("Write the expiry date as 2027-01-31."));
          gtk_widget_grab_focus (self->expires_row);
          return;
        }
    }
  /* No token: only the dates are tracked. */
  request.pasted = *token != '\0' ? token : NULL;
  show_error (self, NULL);
  set_busy (self, TRUE);
  pv_tracked_app_track_async (apps, &request, self->cancellable, tracked_cb, g_object_ref (self));
}

static void
pv_add_app_window_dispose (GObject *object)
{
  PvAddAppWindow *self = PV_ADD_APP_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->tenants);
  g_clear_pointer (&self->vendors, g_strfreev);

  G_OBJECT_CLASS (pv_add_app_window_parent_class)->dispose (object);
}

static void
pv_add_app_window_class_init (PvAddAppWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pv_add_app_window_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static GtkWidget *
entry_row (const char *title)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  return row;
}

static void
pv_add_app_window_init (PvAddAppWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *status_group = adw_preferences_group_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *end = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Add an App"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 540, 600);

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_close), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->add_button = gtk_button_new_with_mnemonic (_("_Add"));
  gtk_widget_add_css_class (self->add_button, "suggested-action");
  g_signal_connect_swapped (self->add_button, "clicked", G_CALLBACK (add_clicked_cb), self);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_box_append (GTK_BOX (end), self->spinner);
  gtk_box_append (GTK_BOX (end), self->add_button);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), end);

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Track the provisioning token of an app whose vendor makes tokens in "
                                           "its own console. Provisio tries the token against the vendor's SCIM "
                                           "endpoint and keeps it in the keyring only; without a token, only "
                                           "its dates are tracked."));
  self->vendors = pv_vendor_list ();
  for (guint i = 0; self->vendors[i]; i++)
    {
      g_autoptr(PvVendor) vendor = pv_vendor_lookup (self->vendors[i], NULL);

      gtk_string_list_append (names, vendor->name);
    }
  self->vendor_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->vendor_row), _("App"));
  adw_combo_row_set_model (ADW_COMBO_ROW (self->vendor_row), G_LIST_MODEL (names));
  self->kind_row = adw_combo_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->kind_row), _("Connection"));
  self->name_row = entry_row (_("Name, such as timly"));
  self->url_row = entry_row (_("SCIM base URL"));
  self->token_row = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row), _("Token (optional)"));
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (self->token_row), FALSE);
  self->expires_row = entry_row (_("Expires on, such as 2027-01-31"));
  {
    GtkWidget *rows[] = { self->vendor_row, self->kind_row, self->name_row, self->url_row, self->token_row,
                          self->expires_row };

    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), rows[i]);
  }

  self->note_label = GTK_LABEL (gtk_label_new (NULL));
  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->note_label, TRUE);
  gtk_label_set_xalign (self->note_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "dim-label");
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status_group), GTK_WIDGET (self->note_label));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status_group), GTK_WIDGET (self->error_label));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (status_group));
  g_signal_connect_swapped (self->vendor_row, "notify::selected", G_CALLBACK (vendor_changed_cb), self);
  vendor_changed_cb (self);

  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), page);
  gtk_widget_set_vexpand (page, TRUE);
  adw_window_set_content (ADW_WINDOW (self), box);
}

/**
 * pv_add_app_window_new:
 *
 * Returns: (transfer full): a window that tracks an app in @tenants
 */
PvAddAppWindow *
pv_add_app_window_new (PvTenantList *tenants)
{
  PvAddAppWindow *self = g_object_new (PV_TYPE_ADD_APP_WINDOW, NULL);

  self->tenants = g_object_ref (tenants);
  return self;
}
