/* pv-connect-window.c: connecting a tenant, checked live
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-connect-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pv-connect-window.h"
#include "pv-tls.h"
#include "pv-profiles.h"
#include "pv-token.h"
#include "pv-widgets.h"

/* A name, the management API's address and an admin API key.  The key is
 * checked against the tenant before anything is kept, then kept in the
 * keyring only; the window says what went wrong in words, and keeps what
 * was typed. */

struct _PvConnectWindow
{
  AdwWindow     parent_instance;

  PvTenantList *tenants;
  GCancellable *cancellable;
  GtkWidget    *name_row;
  GtkWidget    *url_row;
  GtkWidget    *key_row;
  GtkWidget    *pin_row;
  GtkWidget    *pin_clear;
  char         *pin;          /* the pinned certificate's SHA-256 fingerprint */
  GtkFileChooserNative *chooser;
  GtkWidget    *connect_button;
  GtkWidget    *spinner;
  GtkLabel     *error_label;
};

G_DEFINE_FINAL_TYPE (PvConnectWindow, pv_connect_window, ADW_TYPE_WINDOW)

enum {
  SIGNAL_CONNECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_error (PvConnectWindow *self,
            const char      *text)
{
  gtk_label_set_label (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static void
set_busy (PvConnectWindow *self,
          gboolean         busy)
{
  gtk_widget_set_sensitive (self->connect_button, !busy);
  gtk_widget_set_sensitive (self->name_row, !busy);
  gtk_widget_set_sensitive (self->url_row, !busy);
  gtk_widget_set_sensitive (self->key_row, !busy);
  gtk_widget_set_sensitive (self->pin_row, !busy);
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
}

static void
added_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(PvConnectWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PvTenantInfo) tenant = pv_tenant_list_add_finish (PV_TENANT_LIST (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (tenant == NULL)
    {
      g_autofree char *text = pv_error_advice (error);

      show_error (self, text);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_CONNECTED], 0, tenant);
  gtk_window_close (GTK_WINDOW (self));
}

static void
connect_clicked_cb (PvConnectWindow *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  const char *url = gtk_editable_get_text (GTK_EDITABLE (self->url_row));
  const char *key = gtk_editable_get_text (GTK_EDITABLE (self->key_row));
  g_autofree char *stripped_key = g_strstrip (g_strdup (key));
  g_autofree char *stripped_url = g_strstrip (g_strdup (url));
  g_autoptr(GUri) uri = NULL;
  PvTokenKind kind;

  if (!pv_profile_id_is_valid (name))
    {
      show_error (self, _("Name the tenant with up to 40 letters, digits, dashes and underscores, such as “contoso”."));
      gtk_widget_grab_focus (self->name_row);
      return;
    }
  uri = g_uri_parse (stripped_url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
    {
      show_error (self, _("The server address starts with https://, such as https://contoso.example.com."));
      gtk_widget_grab_focus (self->url_row);
      return;
    }
  if (!pv_token_is_well_formed (stripped_key, &kind) || kind != PV_TOKEN_ADMIN)
    {
      show_error (self, _("That is not an admin API key: they start with pva_ and are 53 characters long. "
                          "SCIM tokens (pvs_) are for the identity provider, not for Provisio."));
      gtk_widget_grab_focus (self->key_row);
      return;
    }
  show_error (self, NULL);
  set_busy (self, TRUE);
  {
    PvProfile profile = { (char *) name, stripped_url, self->pin, FALSE };

    pv_tenant_list_add_profile_async (self->tenants, &profile, stripped_key, self->cancellable, added_cb,
                                      g_object_ref (self));
  }
  explicit_bzero (stripped_key, strlen (stripped_key));
}

/* Pinning the tenant server's certificate: its SHA-256 fingerprint, read
 * from a PEM file in a thread; only that certificate is then trusted. */

static void
show_pin (PvConnectWindow *self)
{
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->pin_row), self->pin != NULL
                               ? self->pin
                               : _("None: the computer's certificate authorities decide"));
  gtk_widget_set_visible (self->pin_clear, self->pin != NULL);
}

static void
fingerprint_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_autofree char *path = g_file_get_path (task_data);
  GError *error = NULL;
  char *fingerprint = path != NULL ? pv_tls_fingerprint_of_file (path, &error) : NULL;

  if (fingerprint == NULL && error == NULL)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, _("Choose a file on this computer"));
  if (fingerprint != NULL)
    g_task_return_pointer (task, fingerprint, g_free);
  else
    g_task_return_error (task, error);
}

static void
fingerprint_read_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  PvConnectWindow *self = PV_CONNECT_WINDOW (source);
  g_autoptr(GError) error = NULL;
  char *fingerprint;

  g_return_if_fail (g_task_is_valid (result, self));
  g_return_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_connect_window_pin_file);
  fingerprint = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (fingerprint == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  g_free (self->pin);
  self->pin = fingerprint;
  show_pin (self);
}

/**
 * pv_connect_window_pin_file:
 * @file: a PEM file holding the tenant server's certificate first
 *
 * Pins that certificate, as choosing it in the window does.
 */
void
pv_connect_window_pin_file (PvConnectWindow *self,
                            GFile           *file)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, fingerprint_read_cb, NULL);

  g_task_set_source_tag (task, pv_connect_window_pin_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, fingerprint_thread);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     PvConnectWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        pv_connect_window_pin_file (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
choose_pin_cb (PvConnectWindow *self)
{
  g_autoptr(GtkFileFilter) pem = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Choose the Tenant Server's Certificate"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Pin"), _("_Cancel"));
  gtk_file_filter_set_name (pem, _("PEM certificates"));
  gtk_file_filter_add_pattern (pem, "*.pem");
  gtk_file_filter_add_pattern (pem, "*.crt");
  gtk_file_filter_add_pattern (pem, "*.cer");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), pem);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  g_signal_connect (self->chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
clear_pin_cb (PvConnectWindow *self)
{
  g_clear_pointer (&self->pin, g_free);
  show_pin (self);
}

static void
pv_connect_window_dispose (GObject *object)
{
  PvConnectWindow *self = PV_CONNECT_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->tenants);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  g_clear_pointer (&self->pin, g_free);

  G_OBJECT_CLASS (pv_connect_window_parent_class)->dispose (object);
}

static void
pv_connect_window_class_init (PvConnectWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pv_connect_window_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  /**
   * PvConnectWindow::connected:
   * @tenant: the tenant added
   */
  signals[SIGNAL_CONNECTED] = g_signal_new ("connected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 1, PV_TYPE_TENANT_INFO);
}

static void
pv_connect_window_init (PvConnectWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *end = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  self->cancellable = g_cancellable_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Connect a Tenant"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 520, 460);

  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_close), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  self->connect_button = gtk_button_new_with_mnemonic (_("C_onnect"));
  gtk_widget_add_css_class (self->connect_button, "suggested-action");
  g_signal_connect_swapped (self->connect_button, "clicked", G_CALLBACK (connect_clicked_cb), self);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_box_append (GTK_BOX (end), self->spinner);
  gtk_box_append (GTK_BOX (end), self->connect_button);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), end);

  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Issue an admin API key in the tenant's settings, then enter it here. "
                                           "Provisio checks it against the tenant and keeps it in the keyring only."));
  self->name_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->name_row), _("Name, such as contoso"));
  self->url_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->url_row), _("Server address"));
  gtk_editable_set_text (GTK_EDITABLE (self->url_row), "https://");
  self->key_row = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->key_row), _("Admin API key"));
  g_signal_connect_swapped (self->key_row, "entry-activated", G_CALLBACK (connect_clicked_cb), self);
  adw_entry_row_set_activates_default (ADW_ENTRY_ROW (self->key_row), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->name_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->url_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->key_row);

  /* A server whose certificate no authority of this computer signed. */
  {
    GtkWidget *choose = gtk_button_new_with_mnemonic (_("C_hoose…"));

    self->pin_row = adw_action_row_new ();
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->pin_row), _("Pinned certificate"));
    gtk_widget_set_tooltip_text (self->pin_row,
                                 _("For a server with its own certificate: only that certificate is then trusted"));
    gtk_widget_set_valign (choose, GTK_ALIGN_CENTER);
    g_signal_connect_swapped (choose, "clicked", G_CALLBACK (choose_pin_cb), self);
    self->pin_clear = gtk_button_new_from_icon_name ("edit-clear-symbolic");
    gtk_widget_set_valign (self->pin_clear, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (self->pin_clear, "flat");
    gtk_widget_set_tooltip_text (self->pin_clear, _("Trust the computer's certificate authorities again"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->pin_clear), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Unpin the certificate"), -1);
    g_signal_connect_swapped (self->pin_clear, "clicked", G_CALLBACK (clear_pin_cb), self);
    adw_action_row_add_suffix (ADW_ACTION_ROW (self->pin_row), self->pin_clear);
    adw_action_row_add_suffix (ADW_ACTION_ROW (self->pin_row), choose);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->pin_row);
    show_pin (self);
  }

  self->error_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->error_label, TRUE);
  gtk_label_set_xalign (self->error_label, 0);
  gtk_widget_set_margin_top (GTK_WIDGET (self->error_label), 12);
  gtk_widget_add_css_class (GTK_WIDGET (self->error_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  {
    GtkWidget *error_group = adw_preferences_group_new ();

    adw_preferences_group_add (ADW_PREFERENCES_GROUP (error_group), GTK_WIDGET (self->error_label));
    adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
    adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (error_group));
  }
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), page);
  gtk_widget_set_vexpand (page, TRUE);
  adw_window_set_content (ADW_WINDOW (self), box);
}

/**
 * pv_connect_window_new:
 *
 * Returns: (transfer full): a window that adds a tenant to @tenants
 */
PvConnectWindow *
pv_connect_window_new (PvTenantList *tenants)
{
  PvConnectWindow *self = g_object_new (PV_TYPE_CONNECT_WINDOW, NULL);

  self->tenants = g_object_ref (tenants);
  return self;
}
