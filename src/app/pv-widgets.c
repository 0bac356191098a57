/* pv-widgets.c: small pieces shared by the app's views
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-widgets"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-error.h"
#include "pv-shape.h"
#include "pv-widgets.h"

static const char *state_classes[] = { "pv-ok", "pv-due-soon", "pv-urgent", "pv-expired" };

/**
 * pv_state_css_class:
 *
 * Returns: the style class that colours @state (see style.css)
 */
const char *
pv_state_css_class (PvExpiryState state)
{
  g_return_val_if_fail (state <= PV_EXPIRY_EXPIRED, state_classes[0]);
  return state_classes[state];
}

void
pv_set_state_class (GtkWidget     *widget,
                    PvExpiryState  state)
{
  const char *wanted = pv_state_css_class (state);

  /* Each class change restyles the widget: none when nothing changes. */
  if (gtk_widget_has_css_class (widget, wanted))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    if (gtk_widget_has_css_class (widget, state_classes[i]))
      gtk_widget_remove_css_class (widget, state_classes[i]);
  gtk_widget_add_css_class (widget, wanted);
}

/**
 * pv_state_dot_new:
 *
 * Returns: (transfer floating): a coloured dot; colour it with pv_set_state_class()
 */
GtkWidget *
pv_state_dot_new (void)
{
  /* media-record-symbolic, drawn without librsvg (pv-shape.c) */
  GtkWidget *dot = gtk_image_new_from_paintable (pv_shape_get (PV_SHAPE_DOT));

  gtk_widget_add_css_class (dot, "pv-dot");
  return dot;
}

/**
 * pv_state_pill_new:
 *
 * Returns: (transfer floating): the state in words, coloured
 */
GtkWidget *
pv_state_pill_new (PvExpiryState state)
{
  GtkWidget *pill = gtk_label_new (pv_expiry_state_to_label (state));

  gtk_widget_add_css_class (pill, "pv-pill");
  gtk_widget_add_css_class (pill, "caption-heading");
  gtk_widget_set_valign (pill, GTK_ALIGN_CENTER);
  pv_set_state_class (pill, state);
  return pill;
}

/**
 * pv_toast:
 *
 * Shows @text as a toast of the window @widget is in (through its
 * win.toast action), if it has one.
 */
void
pv_toast (GtkWidget  *widget,
          const char *text)
{
  gtk_widget_activate_action (widget, "win.toast", "s", text);
}

static void
copy_clicked_cb (GtkButton *button)
{
  const char *text = g_object_get_data (G_OBJECT (button), "text");
  const char *what = g_object_get_data (G_OBJECT (button), "what");
  g_autofree char *message = NULL;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), text);
  /* Translators: %s is what was copied, such as "SCIM base URL" */
  message = g_strdup_printf (_("%s copied"), what);
  pv_toast (GTK_WIDGET (button), message);
}

/**
 * pv_copy_button_new:
 * @text: what the button copies (never a secret: those have their own)
 * @what: its name, for the tooltip and the toast
 *
 * Returns: (transfer floating): a flat copy button
 */
GtkWidget *
pv_copy_button_new (const char *text,
                    const char *what)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
  g_autofree char *tooltip = NULL;

  /* Translators: %s is what the button copies, such as "SCIM base URL" */
  tooltip = g_strdup_printf (_("Copy %s"), what);
  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "text", g_strdup (text), g_free);
  g_object_set_data_full (G_OBJECT (button), "what", g_strdup (what), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (copy_clicked_cb), NULL);
  return button;
}

/**
 * pv_info_row_new:
 * @value: (nullable): shown as the subtitle; "—" if %NULL
 * @copyable: with a copy button
 *
 * Returns: (transfer floating): a row showing a value
 */
GtkWidget *
pv_info_row_new (const char *title,
                 const char *value,
                 gboolean    copyable)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value ? value : "—");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "property");
  if (copyable)
    {
      GtkWidget *button = pv_copy_button_new (value, title);

      gtk_widget_set_visible (button, value != NULL);
      g_object_set_data (G_OBJECT (row), "pv-copy-button", button);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

/**
 * pv_info_row_add:
 * @group: an #AdwPreferencesGroup
 *
 * Adds a row of pv_info_row_new() with no value yet to @group, for a view
 * that sets its value later (pv_info_row_set_value()).
 *
 * Returns: (transfer none): the row
 */
GtkWidget *
pv_info_row_add (GtkWidget  *group,
                 const char *title,
                 gboolean    copyable)
{
  GtkWidget *row = pv_info_row_new (title, NULL, copyable);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

/**
 * pv_info_row_set_value:
 * @row: a row of pv_info_row_new()
 * @value: (nullable): its new value; "—" if %NULL
 *
 * Changes the value in place, and what its copy button copies.
 */
void
pv_info_row_set_value (GtkWidget  *row,
                       const char *value)
{
  GtkWidget *button = g_object_get_data (G_OBJECT (row), "pv-copy-button");

  g_return_if_fail (ADW_IS_ACTION_ROW (row));

  if (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), value ? value : "—") != 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value ? value : "—");
  if (button != NULL)
    {
      g_object_set_data_full (G_OBJECT (button), "text", g_strdup (value), g_free);
      gtk_widget_set_visible (button, value != NULL);
    }
}

/**
 * pv_state_pill_set_state:
 * @pill: a pill of pv_state_pill_new()
 * @label: (nullable): its words, if not the state's own
 *
 * Changes the state a pill shows, in place.
 */
void
pv_state_pill_set_state (GtkWidget     *pill,
                         PvExpiryState  state,
                         const char    *label)
{
  gtk_label_set_label (GTK_LABEL (pill), label ? label : pv_expiry_state_to_label (state));
  pv_set_state_class (pill, state);
}

/**
 * pv_error_advice:
 *
 * Returns: (transfer full): the error's message and what to do about it
 */
char *
pv_error_advice (const GError *error)
{
  const char *advice = NULL;

  if (error->domain == PV_ERROR)
    switch ((PvError) error->code)
      {
      case PV_ERROR_UNAUTHORIZED:
        advice = _("Check the admin API key, or issue a new one in the tenant and connect again.");
        break;
      case PV_ERROR_FORBIDDEN:
        advice = _("This admin API key may not do that; ask the tenant's owner.");
        break;
      case PV_ERROR_CONFLICT:
        advice = _("Refresh to see the tenant as it is now.");
        break;
      case PV_ERROR_RATE_LIMITED:
        advice = _("Wait a minute before trying again.");
        break;
      case PV_ERROR_NETWORK:
        advice = _("Check the address and your network; the last known state stays shown.");
        break;
      case PV_ERROR_TLS:
        advice = _("The server's certificate is not trusted by this computer.");
        break;
      case PV_ERROR_INVALID_RESPONSE:
        advice = _("Check that the address is the tenant's management API.");
        break;
      case PV_ERROR_KEYRING:
      case PV_ERROR_KEYRING_LOCKED:
        advice = _("Provisio keeps admin API keys only in the keyring.");
        break;
      default:
        break;
      }
  if (advice == NULL)
    return g_strdup (error->message);
  /* Translators: an error message, then what to do about it */
  return g_strdup_printf (_("%s. %s"), error->message, advice);
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_tooltip,
                  GtkTooltip *tooltip)
{
  const char *text = g_object_get_data (G_OBJECT (widget), "pv-tooltip");

  if (text == NULL || *text == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/**
 * pv_set_tooltip:
 * @text: (nullable): the tooltip's text, %NULL or empty for none
 *
 * As gtk_widget_set_tooltip_text(), for widgets whose tooltip changes
 * with what they show (rows re-bound by a search, the overview's counts and
 * next actions made again at each update): the text is given when the
 * pointer rests on the widget.  GTK 4.8 asks the X server where the pointer
 * is each time a tooltip's text is set, a round trip for every row.  The
 * text is the widget's accessible description, as a tooltip's is.
 */
void
pv_set_tooltip (GtkWidget  *widget,
                const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  /* Connected once, at the first call, whatever its text */
  if (g_object_get_data (G_OBJECT (widget), "pv-tooltip") == NULL)
    g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
  g_object_set_data_full (G_OBJECT (widget), "pv-tooltip", g_strdup (text ? text : ""), g_free);
  gtk_widget_set_has_tooltip (widget, text != NULL && *text != '\0');
  if (text != NULL && *text != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}
