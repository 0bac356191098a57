/* pv-dashboard.c: every token of every tenant at a glance
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisio"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-application.h"
#include "pv-dashboard.h"
#include "pv-overview.h"
#include "pv-reminders.h"
#include "pv-renew-window.h"
#include "pv-timeline.h"
#include "pv-widgets.h"
#include "pv-entra-ui.h"
#include "pv-guide.h"
#include "pv-window.h"

/* The overview: a summary of states, the timeline, and the next actions,
 * most pressing first, each with its button.  What it shows is computed
 * in libprovisio (pv-overview.c); this only lays it out. */

struct _PvDashboard
{
  AdwBin        parent_instance;

  PvTenantList *tenants;
  guint         saml_shown;   /* SAML certificates on the timeline */
  GtkLabel     *summary;
  GtkWidget    *ask_banner;   /* first run: remind in the background? */
  GtkBox       *counts;
  PvTimeline   *timeline;
  GtkWidget    *actions_group;
  GtkListBox   *actions_list;
  GtkWidget    *health_group;
  GtkListBox   *health_list;
  char         *health_shown;
  GPtrArray    *action_rows;
  char         *shown;        /* what the action rows say, to skip redoing them */
  char         *counted;      /* the same for the counts */
  gboolean      show_all;
};

/* Beyond this, the rest waits behind a "Show All" row: hundreds of rows
 * would make every refresh stall the window. */
#define ACTION_ROWS 10

G_DEFINE_FINAL_TYPE (PvDashboard, pv_dashboard, ADW_TYPE_BIN)

static PvApplication *
get_app (PvDashboard *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return root ? PV_APPLICATION (gtk_window_get_application (GTK_WINDOW (root))) : NULL;
}

static void
action_button_cb (GtkButton   *button,
                  PvDashboard *self)
{
  PvNextAction *action = g_object_get_data (G_OBJECT (button), "action");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  switch (action->action)
    {
    case PV_ACTION_RENEW:
      {
        GtkWindow *window = pv_renew_window_new (self->tenants, action->tenant, action->kind);

        gtk_window_set_transient_for (window, GTK_WINDOW (root));
        gtk_window_present (window);
      }
      break;
    case PV_ACTION_RECONNECT:
      pv_application_refresh (get_app (self));
      break;
    case PV_ACTION_RENEW_CERTIFICATE:
      if (pv_entra_saml_info_get_app_name (action->tenant) != NULL)
        {
          gtk_window_present (pv_entra_saml_steps_window_new (GTK_WINDOW (root), action->tenant));
          break;
        }
      G_GNUC_FALLTHROUGH;
    case PV_ACTION_FINISH_RENEWAL:
    default:
      pv_window_show_tenant (PV_WINDOW (root), pv_tenant_info_get_id (action->tenant));
      break;
    }
}

static void
action_row_activated_cb (GtkListBox    *list,
                         GtkListBoxRow *row,
                         PvDashboard   *self)
{
  PvNextAction *action = g_object_get_data (G_OBJECT (row), "action");

  if (action != NULL && pv_entra_saml_info_get_app_name (action->tenant) != NULL)
    gtk_window_present (pv_entra_saml_steps_window_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                        action->tenant));
  else if (action != NULL)
    pv_window_show_tenant (PV_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                           pv_tenant_info_get_id (action->tenant));
}

/* A plain row, lighter than an AdwActionRow: the overview redoes these as
 * tenants answer, and their layout is what a refresh costs. */
static GtkWidget *
action_row_new (PvDashboard  *self,
                PvNextAction *action,
                GPtrArray    *actions)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (action->title);
  GtkWidget *subtitle = gtk_label_new (action->subtitle);
  GtkWidget *dot = pv_state_dot_new ();
  GtkWidget *button;
  const char *label;

  gtk_widget_add_css_class (box, "pv-action-row");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), subtitle);
  gtk_widget_set_tooltip_text (row, action->subtitle);
  pv_set_state_class (dot, action->state);
  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), labels);

  switch (action->action)
    {
    case PV_ACTION_RENEW:
      label = _("_Renew…");
      break;
    case PV_ACTION_RECONNECT:
      label = _("_Retry");
      break;
    case PV_ACTION_FINISH_RENEWAL:
    case PV_ACTION_RENEW_CERTIFICATE:
    default:
      label = _("_Show");
      break;
    }
  button = gtk_button_new_with_mnemonic (label);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (action->action == PV_ACTION_RENEW)
    gtk_widget_add_css_class (button, "suggested-action");
  /* The button's accessible name says which token of which tenant. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, action->title, -1);
  /* The actions array owns the action: the button keeps both alive. */
  g_object_set_data (G_OBJECT (button), "action", action);
  g_object_set_data_full (G_OBJECT (button), "actions", g_ptr_array_ref (actions), (GDestroyNotify) g_ptr_array_unref);
  g_signal_connect (button, "clicked", G_CALLBACK (action_button_cb), self);
  gtk_box_append (GTK_BOX (box), button);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  g_object_set_data (G_OBJECT (row), "action", action);
  g_object_set_data_full (G_OBJECT (row), "actions", g_ptr_array_ref (actions), (GDestroyNotify) g_ptr_array_unref);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  return row;
}

static void
update_counts (PvDashboard *self,
               GPtrArray   *items)
{
  guint counts[PV_EXPIRY_EXPIRED + 1] = { 0 };
  g_autofree char *signature = NULL;
  guint n_tenants = g_list_model_get_n_items (G_LIST_MODEL (self->tenants));
  g_autofree char *summary = NULL;
  GtkWidget *child;

  /* A token being retired stops nothing: it counts for nothing. */
  for (guint i = 0; i < items->len; i++)
    {
      PvOverviewItem *item = g_ptr_array_index (items, i);

      if (!item->retiring)
        counts[item->state]++;
    }

  /* Translators: the first part of the dashboard's summary */
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u tenant", "%u tenants", n_tenants), n_tenants);
  {
    g_autofree char *tokens = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u token or certificate",
                                                            "%u tokens and certificates", items->len),
                                               items->len);
    g_autofree char *both = g_strdup_printf ("%s · %s", summary, tokens);

    gtk_label_set_label (self->summary, both);
  }

  signature = g_strdup_printf ("%u %u %u %u", counts[0], counts[1], counts[2], counts[3]);
  if (g_strcmp0 (signature, self->counted) == 0)
    return;
  g_free (self->counted);
  self->counted = g_steal_pointer (&signature);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->counts))))
    gtk_box_remove (self->counts, child);
  for (int state = PV_EXPIRY_EXPIRED; state >= PV_EXPIRY_OK; state--)
    {
      g_autofree char *text = NULL;
      GtkWidget *pill;

      if (counts[state] == 0)
        continue;
      /* Translators: a count on the dashboard: "2 Expired", "3 Due soon" */
      text = g_strdup_printf (_("%u %s"), counts[state], pv_expiry_state_to_label (state));
      pill = pv_state_pill_new (state);
      gtk_label_set_label (GTK_LABEL (pill), text);
      gtk_box_append (self->counts, pill);
    }
}

static void update_actions (PvDashboard *self,
                            GPtrArray   *actions);

static void
health_row_activated_cb (GtkListBox    *list,
                         GtkListBoxRow *row,
                         PvDashboard   *self)
{
  const char *tenant = g_object_get_data (G_OBJECT (row), "tenant");

  pv_window_show_tenant (PV_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), tenant);
}

/* Provisioning health: each connection Entra provisions, with its job's
 * state where Provisio is signed in, and a renewal Entra has not taken up. */
static void
update_health (PvDashboard *self,
               gint64       now)
{
  PvEntraSession *entra = pv_application_get_entra (PV_APPLICATION (g_application_get_default ()));
  g_autoptr(GString) shown = g_string_new (NULL);
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  GtkWidget *child;

  for (guint t = 0; t < g_list_model_get_n_items (G_LIST_MODEL (self->tenants)); t++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (G_LIST_MODEL (self->tenants), t);
      GListModel *connections = pv_tenant_info_get_connections (tenant);
      const char *name = pv_tenant_info_get_name (tenant) ? pv_tenant_info_get_name (tenant)
                                                          : pv_tenant_info_get_id (tenant);

      for (guint c = 0; c < g_list_model_get_n_items (connections); c++)
        {
          g_autoptr(PvConnectionInfo) connection = g_list_model_get_item (connections, c);
          gboolean warning = FALSE;
          g_autofree char *text = pv_entra_session_describe (entra, tenant, connection, now, &warning);
          g_autofree char *title = NULL;
          GtkWidget *row;

          if (text == NULL)
            continue;
          /* Translators: "Users" or "Persons", then a tenant's name */
          title = g_strdup_printf (_("%s of %s"), pv_guide_app_name (pv_connection_info_get_kind (connection)), name);
          g_string_append_printf (shown, "%s\n%s\n%d\n", title, text, warning);
          row = adw_action_row_new ();
          adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          g_object_set_data_full (G_OBJECT (row), "tenant", g_strdup (pv_tenant_info_get_id (tenant)), g_free);
          if (warning)
            {
              GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

              gtk_widget_add_css_class (icon, "warning");
              gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                              _("Needs attention"), -1);
              adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
            }
          g_ptr_array_add (rows, g_object_ref_sink (row));
        }
    }
  if (g_strcmp0 (shown->str, self->health_shown) == 0)
    {
      g_ptr_array_set_free_func (rows, g_object_unref);
      return;
    }
  g_free (self->health_shown);
  self->health_shown = g_strdup (shown->str);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->health_list))) != NULL)
    gtk_list_box_remove (self->health_list, child);
  for (guint i = 0; i < rows->len; i++)
    {
      gtk_list_box_append (self->health_list, g_ptr_array_index (rows, i));
      g_object_unref (g_ptr_array_index (rows, i));
    }
  gtk_widget_set_visible (self->health_group, rows->len > 0);
}

/* First run: the overview asks once, in a banner rather than a dialog,
 * whether to remind in the background (the systemd user timer that the
 * preferences switch too). */

static void
ask_answered (PvDashboard *self)
{
  PvApplication *app = get_app (self);

  if (app != NULL)
    g_settings_set_boolean (pv_application_get_settings (app), "background-asked", TRUE);
  gtk_widget_set_visible (self->ask_banner, FALSE);
}

static void
background_enabled_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(PvDashboard) self = user_data;
  PvApplication *app = get_app (self);
  g_autoptr(GError) error = NULL;

  if (!pv_reminders_timer_set_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Background reminders could not be switched on: %s. "
                                                 "Preferences can try again."), error->message);

      gtk_widget_set_sensitive (self->ask_banner, TRUE);
      pv_toast (GTK_WIDGET (self), text);
      ask_answered (self);
      return;
    }
  if (app != NULL)
    g_settings_set_boolean (pv_application_get_settings (app), "background-check", TRUE);
  pv_toast (GTK_WIDGET (self), _("Background reminders are on: twice a day, also when Provisio is closed"));
  ask_answered (self);
}

static void
ask_yes_cb (PvDashboard *self)
{
  gtk_widget_set_sensitive (self->ask_banner, FALSE);
  pv_reminders_timer_set_async (TRUE, NULL, background_enabled_cb, g_object_ref (self));
}

static void
ask_no_cb (PvDashboard *self)
{
  pv_toast (GTK_WIDGET (self), _("Background reminders can be switched on in Preferences"));
  ask_answered (self);
}

static GtkWidget *
ask_banner_new (PvDashboard *self)
{
  GtkWidget *banner = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (_("Remind you of expiring tokens also when Provisio is closed? A systemd "
                                      "timer of your session checks twice a day."));
  GtkWidget *yes = gtk_button_new_with_mnemonic (_("_Remind in the Background"));
  GtkWidget *no = gtk_button_new_with_mnemonic (_("_Not Now"));

  gtk_widget_add_css_class (banner, "card");
  gtk_widget_add_css_class (banner, "pv-ask-banner");
  gtk_widget_set_margin_bottom (banner, 12);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_valign (yes, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (no, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_end (no, 12);
  gtk_widget_add_css_class (yes, "suggested-action");
  g_signal_connect_swapped (yes, "clicked", G_CALLBACK (ask_yes_cb), self);
  g_signal_connect_swapped (no, "clicked", G_CALLBACK (ask_no_cb), self);
  gtk_box_append (GTK_BOX (banner), label);
  gtk_box_append (GTK_BOX (banner), yes);
  gtk_box_append (GTK_BOX (banner), no);
  gtk_widget_set_visible (banner, FALSE);
  return banner;
}

/**
 * pv_dashboard_update:
 *
 * Shows the tenants as they are now.
 */
void
pv_dashboard_update (PvDashboard *self)
{
  PvApplication *app = get_app (self);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  PvExpiryPolicy policy;
  PvExpiryPolicy override;
  gboolean overridden;
  g_autoptr(GListStore) all = NULL;

  g_return_if_fail (PV_IS_DASHBOARD (self));

  if (self->tenants == NULL)
    return;
  if (app != NULL)
    pv_application_get_policy (app, &policy);
  else
    pv_expiry_policy_init_default (&policy);

  /* The tenants, then the SAML apps' certificates Entra has (one more
   * source of rows, as Import from Entra last read them). */
  all = g_list_store_new (PV_TYPE_TENANT_INFO);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tenants)); i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (G_LIST_MODEL (self->tenants), i);

      g_list_store_append (all, tenant);
    }
  if (app != NULL)
    {
      GListModel *saml = pv_entra_session_get_saml_certificates (pv_application_get_entra (app));

      for (guint i = 0; i < g_list_model_get_n_items (saml); i++)
        {
          g_autoptr(PvTenantInfo) certificate = g_list_model_get_item (saml, i);

          g_list_store_append (all, certificate);
        }
      self->saml_shown = g_list_model_get_n_items (saml);
    }

  /* Computed now, from the expiries: not what the tenants said when asked. */
  overridden = app != NULL && pv_application_get_override (app, &override);
  items = pv_overview_items (G_LIST_MODEL (all), overridden ? &override : NULL, now);
  actions = pv_overview_next_actions (G_LIST_MODEL (all), overridden ? &override : NULL, now);
  update_counts (self, items);
  pv_timeline_set_items (self->timeline, items, now, &policy);

  update_actions (self, actions);
  update_health (self, now);
  /* Not in the demo: its answer would switch the real session's timer. */
  gtk_widget_set_visible (self->ask_banner,
                          app != NULL && !pv_application_get_demo (app) &&
                          !g_settings_get_boolean (pv_application_get_settings (app), "background-asked"));
}

static void
show_all_cb (PvDashboard *self)
{
  self->show_all = TRUE;
  pv_dashboard_update (self);
}

static void
update_actions (PvDashboard *self,
                GPtrArray   *actions)
{
  guint n = self->show_all ? actions->len : MIN (actions->len, ACTION_ROWS);
  g_autoptr(GString) shown = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    {
      PvNextAction *action = g_ptr_array_index (actions, i);

      g_string_append_printf (shown, "%s\n%s\n%d\n", action->title, action->subtitle, action->state);
    }
  g_string_append_printf (shown, "%u", actions->len);
  if (g_strcmp0 (shown->str, self->shown) == 0)
    return;
  g_free (self->shown);
  self->shown = g_strdup (shown->str);

  for (guint i = 0; i < self->action_rows->len; i++)
    gtk_list_box_remove (self->actions_list, g_ptr_array_index (self->action_rows, i));
  g_ptr_array_set_size (self->action_rows, 0);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row = action_row_new (self, g_ptr_array_index (actions, i), actions);

      gtk_list_box_append (self->actions_list, row);
      g_ptr_array_add (self->action_rows, row);
    }
  if (n < actions->len)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button;
      g_autofree char *label = NULL;

      /* Translators: a button under the first next actions: how many there are in all */
      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Show _All %u Actions", "Show _All %u Actions",
                                            actions->len), actions->len);
      button = gtk_button_new_with_mnemonic (label);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      g_signal_connect_swapped (button, "clicked", G_CALLBACK (show_all_cb), self);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     _("The most pressing are shown first"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->actions_list, row);
      g_ptr_array_add (self->action_rows, row);
    }
  if (actions->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Nothing to do"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Every token is good for longer than the first reminder threshold"));
      gtk_list_box_append (self->actions_list, row);
      g_ptr_array_add (self->action_rows, row);
    }
}

/**
 * pv_dashboard_set_tenants:
 *
 * Shows @tenants; the window calls pv_dashboard_update() when they change.
 */
void
pv_dashboard_set_tenants (PvDashboard  *self,
                          PvTenantList *tenants)
{
  g_return_if_fail (PV_IS_DASHBOARD (self));

  g_set_object (&self->tenants, tenants);
  pv_dashboard_update (self);
}

static void
entra_changed_cb (PvDashboard *self)
{
  PvApplication *app = PV_APPLICATION (g_application_get_default ());

  if (self->tenants == NULL)
    return;
  /* An import brought SAML certificates, or a sign-out took them. */
  if (g_list_model_get_n_items (pv_entra_session_get_saml_certificates (pv_application_get_entra (app))) !=
      self->saml_shown)
    pv_dashboard_update (self);
  else
    update_health (self, g_get_real_time () / G_USEC_PER_SEC);
}

static void
pv_dashboard_dispose (GObject *object)
{
  PvDashboard *self = PV_DASHBOARD (object);

  g_clear_object (&self->tenants);
  g_clear_pointer (&self->action_rows, g_ptr_array_unref);
  g_clear_pointer (&self->shown, g_free);
  g_clear_pointer (&self->health_shown, g_free);
  g_clear_pointer (&self->counted, g_free);

  G_OBJECT_CLASS (pv_dashboard_parent_class)->dispose (object);
}

static void
pv_dashboard_class_init (PvDashboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pv_dashboard_dispose;
}

static void
pv_dashboard_init (PvDashboard *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *heading = gtk_label_new (_("Timeline"));
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *summary = gtk_label_new (NULL);
  GtkWidget *counts = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *timeline = pv_timeline_new ();

  self->action_rows = g_ptr_array_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 1200);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 900);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_xalign (GTK_LABEL (summary), 0);
  gtk_widget_add_css_class (summary, "title-2");
  gtk_label_set_wrap (GTK_LABEL (summary), TRUE);
  self->summary = GTK_LABEL (summary);
  self->counts = GTK_BOX (counts);
  self->ask_banner = ask_banner_new (self);
  gtk_box_append (GTK_BOX (box), self->ask_banner);
  gtk_box_append (GTK_BOX (box), summary);
  gtk_box_append (GTK_BOX (box), counts);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_widget_set_margin_top (heading, 12);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_widget_add_css_class (frame, "card");
  gtk_widget_set_overflow (frame, GTK_OVERFLOW_HIDDEN);
  gtk_frame_set_child (GTK_FRAME (frame), timeline);
  self->timeline = PV_TIMELINE (timeline);
  gtk_box_append (GTK_BOX (box), frame);

  self->actions_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->actions_group), _("Next Actions"));
  gtk_widget_set_margin_top (self->actions_group, 12);
  /* Its own boxed list: the group keeps other widgets than its own rows
   * outside its list. */
  self->actions_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->actions_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->actions_list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->actions_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Next Actions"), -1);
  g_signal_connect (self->actions_list, "row-activated", G_CALLBACK (action_row_activated_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->actions_group), GTK_WIDGET (self->actions_list));
  gtk_box_append (GTK_BOX (box), self->actions_group);

  self->health_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->health_group), _("Provisioning Health"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->health_group),
                                         _("The Entra apps that provision, as Microsoft Graph and the tenants "
                                           "tell"));
  gtk_widget_set_margin_top (self->health_group, 12);
  self->health_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->health_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->health_list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->health_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Provisioning Health"), -1);
  g_signal_connect (self->health_list, "row-activated", G_CALLBACK (health_row_activated_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->health_group), GTK_WIDGET (self->health_list));
  gtk_widget_set_visible (self->health_group, FALSE);
  gtk_box_append (GTK_BOX (box), self->health_group);
  g_signal_connect_object (pv_application_get_entra (PV_APPLICATION (g_application_get_default ())), "changed",
                           G_CALLBACK (entra_changed_cb), self, G_CONNECT_SWAPPED);

  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  adw_bin_set_child (ADW_BIN (self), scrolled);
}
