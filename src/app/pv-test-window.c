/* pv-test-window.c: Test Connection, as the identity provider would
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-test-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-probe.h"
#include "pv-test-window.h"
#include "pv-widgets.h"

/* The SCIM probe of libprovisio against a connection's SCIM base URL, with
 * a token the admin pastes: the tenant keeps only digests, so Provisio has
 * no token to test with by itself.  The verdict says what works and what
 * does not, and what the endpoint supports. */

struct _PvTestWindow
{
  AdwWindow     parent_instance;

  GCancellable *cancellable;
  char         *url;
  GtkWidget    *token_row;
  GtkWidget    *test_button;
  GtkWidget    *spinner;
  GtkWidget    *result_group;
  GtkWidget    *verdict_row;
  GtkWidget    *features_row;
  GtkWidget    *endpoints_row;
};

G_DEFINE_FINAL_TYPE (PvTestWindow, pv_test_window, ADW_TYPE_WINDOW)

static void
probed_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PvTestWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PvProbeResult) probe = pv_probe_finish (result, &error);
  gboolean works;
  g_autofree char *features = NULL;
  g_autofree char *endpoints = NULL;
  g_autofree char *timing = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->test_button, TRUE);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), FALSE);
  gtk_widget_set_visible (self->result_group, TRUE);
  if (probe == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->verdict_row), _("Could not test"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->verdict_row), error->message);
      return;
    }
  works = probe->verdict == PV_PROBE_WORKS || probe->verdict == PV_PROBE_SLOW;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->verdict_row),
                                 works ? _("The connection works") : _("The connection does not work"));
  /* Translators: the probe's verdict, then how long it took */
  timing = g_strdup_printf (_("%s (%d ms)"), probe->detail, (int) probe->elapsed_ms);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->verdict_row), timing);
  pv_set_state_class (self->verdict_row, works ? PV_EXPIRY_OK : PV_EXPIRY_EXPIRED);
  g_ptr_array_add (probe->features, NULL);
  g_ptr_array_add (probe->endpoints, NULL);
  features = g_strjoinv (", ", (char **) probe->features->pdata);
  endpoints = g_strjoinv (", ", (char **) probe->endpoints->pdata);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->features_row), *features ? features : "—");
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->endpoints_row), *endpoints ? endpoints : "—");
}

static void
test_clicked_cb (PvTestWindow *self)
{
  g_autofree char *token = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->token_row))));

  if (*token == '\0')
    {
      gtk_widget_grab_focus (self->token_row);
      return;
    }
  gtk_widget_set_sensitive (self->test_button, FALSE);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), TRUE);
  pv_probe_async (self->url, token, NULL, self->cancellable, probed_cb, g_object_ref (self));
}

static void
pv_test_window_dispose (GObject *object)
{
  PvTestWindow *self = PV_TEST_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->url, g_free);

  G_OBJECT_CLASS (pv_test_window_parent_class)->dispose (object);
}

static void
pv_test_window_class_init (PvTestWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pv_test_window_dispose;
  gtk_widget_class_add_binding_action (GTK_WIDGET_CLASS (klass), GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pv_test_window_init (PvTestWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 540, 520);
}

/**
 * pv_test_window_new:
 * @app_name: "Users" or "Persons", translated
 *
 * Returns: (transfer full): the Test Connection window
 */
GtkWindow *
pv_test_window_new (const char *scim_base_url,
                    const char *app_name)
{
  PvTestWindow *self = g_object_new (PV_TYPE_TEST_WINDOW, NULL);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  g_autofree char *title = NULL;

  self->url = g_strdup (scim_base_url);
  /* Translators: "Users" or "Persons" */
  title = g_strdup_printf (_("Test the %s Connection"), app_name);
  gtk_window_set_title (GTK_WINDOW (self), title);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Paste the secret token the identity provider has, and Provisio asks the "
                                           "SCIM endpoint as the identity provider's Test Connection does; nothing "
                                           "is changed. Testing a new token records it as used, but retires "
                                           "nothing: the old token stays until the identity provider provisions "
                                           "with the new one (changes a user or group with it)."));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), pv_info_row_new (_("SCIM base URL"), scim_base_url, TRUE));
  self->token_row = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row), _("Secret token"));
  g_signal_connect_swapped (self->token_row, "entry-activated", G_CALLBACK (test_clicked_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), self->token_row);

  self->test_button = gtk_button_new_with_mnemonic (_("_Test"));
  gtk_widget_add_css_class (self->test_button, "suggested-action");
  g_signal_connect_swapped (self->test_button, "clicked", G_CALLBACK (test_clicked_cb), self);
  self->spinner = gtk_spinner_new ();
  gtk_box_append (GTK_BOX (buttons), self->spinner);
  gtk_box_append (GTK_BOX (buttons), self->test_button);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), buttons);

  self->result_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->result_group), _("Result"));
  self->verdict_row = adw_action_row_new ();
  self->features_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->features_row), _("Supported features"));
  self->endpoints_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->endpoints_row), _("Resource types"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->result_group), self->verdict_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->result_group), self->features_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->result_group), self->endpoints_row);
  gtk_widget_set_visible (self->result_group, FALSE);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (self->result_group));
  gtk_widget_set_vexpand (page, TRUE);
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), page);
  adw_window_set_content (ADW_WINDOW (self), box);
  return GTK_WINDOW (self);
}
