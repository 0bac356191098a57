/* pv-preferences-window.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-entra-ui.h"
#include "pv-expiry.h"
#include "pv-preferences-window.h"
#include "pv-reminders.h"

/* Reminder thresholds (checked with the core's own parser before they are
 * kept), the clipboard timeout and the refresh interval, all in GSettings. */

static void
thresholds_apply_cb (AdwEntryRow *row,
                     GSettings   *settings)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autoptr(GError) error = NULL;
  g_autofree char *normal = NULL;
  g_autofree char *stripped = g_strdup (text);
  PvExpiryPolicy policy;

  /* Empty: each tenant's own schedule */
  if (*g_strstrip (stripped) == '\0')
    {
      gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
      g_settings_set_string (settings, "reminder-thresholds", "");
      return;
    }
  if (!pv_expiry_policy_parse (&policy, text, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (row), error->message);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (row), NULL);
  normal = pv_expiry_policy_to_string (&policy);
  g_settings_set_string (settings, "reminder-thresholds", normal);
  gtk_editable_set_text (GTK_EDITABLE (row), normal);
}

static GtkWidget *
spin_row_new (GSettings  *settings,
              const char *key,
              const char *title,
              const char *subtitle,
              guint       lower,
              guint       upper)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (lower, upper, 1);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_settings_bind (settings, key, gtk_spin_button_get_adjustment (GTK_SPIN_BUTTON (spin)), "value",
                   G_SETTINGS_BIND_DEFAULT);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), spin);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), spin);
  return row;
}

/* The background check is the systemd user timer: the switch shows what
 * systemd has enabled (asked when the window opens), and goes back, with
 * systemctl's reason, when switching fails. */

#define BACKGROUND_SUBTITLE N_("Twice a day, through the systemd user timer provisio-reminders.timer")

typedef struct {
  GtkWidget *window;
  GtkWidget *row;
  GtkSwitch *toggle;
  GSettings *settings;
  gulong     handler;
} Background;

static void
background_free (Background *b)
{
  g_clear_object (&b->settings);
  g_free (b);
}

/* Shows @on without switching anything. */
static void
background_show (Background *b,
                 gboolean    on)
{
  g_signal_handler_block (b->toggle, b->handler);
  gtk_switch_set_active (b->toggle, on);
  g_signal_handler_unblock (b->toggle, b->handler);
  gtk_widget_set_sensitive (GTK_WIDGET (b->toggle), TRUE);
}

static void
timer_queried_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GtkWidget) row = user_data;
  Background *b = g_object_get_data (G_OBJECT (row), "background");
  gboolean on = pv_reminders_timer_query_finish (result, NULL);

  background_show (b, on);
  g_settings_set_boolean (b->settings, "background-check", on);
}

static void
timer_switched_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GtkWidget) row = user_data;
  Background *b = g_object_get_data (G_OBJECT (row), "background");
  gboolean on = gtk_switch_get_active (b->toggle);
  g_autoptr(GError) error = NULL;

  if (!pv_reminders_timer_set_finish (result, &error))
    {
      g_autofree char *text = on ? g_strdup_printf (_("The background check could not be switched on: %s"),
                                                    error->message)
                                 : g_strdup_printf (_("The background check could not be switched off: %s"),
                                                    error->message);

      background_show (b, !on);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (b->row), text);
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (b->window), adw_toast_new (text));
      return;
    }
  background_show (b, on);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (b->row), _(BACKGROUND_SUBTITLE));
  g_settings_set_boolean (b->settings, "background-check", on);
}

static void
background_toggled_cb (GtkSwitch  *toggle,
                       GParamSpec *pspec,
                       Background *b)
{
  gtk_widget_set_sensitive (GTK_WIDGET (toggle), FALSE);
  pv_reminders_timer_set_async (gtk_switch_get_active (toggle), NULL, timer_switched_cb, g_object_ref (b->row));
}

static GtkWidget *
background_row_new (GtkWidget *window,
                    GSettings *settings)
{
  Background *b = g_new0 (Background, 1);
  const char *title = _("Check when Provisio is closed");

  b->window = window;
  b->settings = g_object_ref (settings);
  b->row = adw_action_row_new ();
  b->toggle = GTK_SWITCH (gtk_switch_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (b->row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (b->row), _(BACKGROUND_SUBTITLE));
  gtk_widget_set_valign (GTK_WIDGET (b->toggle), GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (b->toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  /* Until systemd has answered, what was last known */
  gtk_switch_set_active (b->toggle, g_settings_get_boolean (settings, "background-check"));
  gtk_widget_set_sensitive (GTK_WIDGET (b->toggle), FALSE);
  b->handler = g_signal_connect (b->toggle, "notify::active", G_CALLBACK (background_toggled_cb), b);
  adw_action_row_add_suffix (ADW_ACTION_ROW (b->row), GTK_WIDGET (b->toggle));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (b->row), GTK_WIDGET (b->toggle));
  g_object_set_data_full (G_OBJECT (b->row), "background", b, (GDestroyNotify) background_free);
  pv_reminders_timer_query_async (NULL, timer_queried_cb, g_object_ref (b->row));
  return b->row;
}

static GtkWidget *
switch_row_new (GSettings  *settings,
                const char *key,
                const char *title,
                const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  g_settings_bind (settings, key, toggle, "active", G_SETTINGS_BIND_DEFAULT);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  return row;
}

/**
 * pv_preferences_window_new:
 *
 * Returns: (transfer full): the preferences window
 */
GtkWindow *
pv_preferences_window_new (GSettings      *settings,
                           PvEntraSession *entra)
{
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *reminders = adw_preferences_group_new ();
  GtkWidget *security = adw_preferences_group_new ();
  GtkWidget *thresholds = adw_entry_row_new ();
  g_autofree char *current = g_settings_get_string (settings, "reminder-thresholds");

  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (page), _("General"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (page), "preferences-system-symbolic");

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (reminders), _("Reminders"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (reminders),
                                         _("Days before expiry at which you are reminded, largest first, "
                                           "comma-separated, for every tenant; empty for each tenant's own "
                                           "schedule (60, 30, 14, 7, 3 and 1 days unless the tenant says "
                                           "otherwise). The last week is urgent."));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (thresholds), _("Reminder thresholds (days)"));
  gtk_editable_set_text (GTK_EDITABLE (thresholds), current);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (thresholds), TRUE);
  g_signal_connect_object (thresholds, "apply", G_CALLBACK (thresholds_apply_cb), settings, 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (reminders), thresholds);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (reminders),
                             spin_row_new (settings, "refresh-interval", _("Refresh every (minutes)"),
                                           _("While Provisio is open, every tenant is asked again"), 1, 1440));

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (reminders),
                             switch_row_new (settings, "notifications", _("Notifications"),
                                             _("A desktop notification when a token crosses a threshold, once each")));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (reminders), background_row_new (window, settings));

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (security), _("Clipboard"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (security),
                             spin_row_new (settings, "clipboard-timeout", _("Clear a copied token after (seconds)"),
                                           _("A new token copied by the renew assistant leaves the clipboard then"),
                                           10, 600));

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (reminders));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (security));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (pv_entra_preferences_group_new (entra)));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  return GTK_WINDOW (window);
}
