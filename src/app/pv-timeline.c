/* pv-timeline.c: every token on the next twelve months
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisio"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-overview.h"
#include "pv-timeline.h"

/* One row per token (and SSO certificate): a bar from its creation to its
 * expiry, coloured by state; today as a line, the reminder thresholds as
 * dashed lines counted back from the right moment; a month scale on top.
 * It shows a month of the past and twelve months ahead.  Drawn with the
 * snapshot API in libadwaita's named colours, so that it reads in light
 * and dark styles; its accessible description says the same in words. */

#define ROW_HEIGHT 26
#define BAR_HEIGHT 14
#define AXIS_HEIGHT 26
#define FOOT_HEIGHT 22
#define LABEL_MAX_WIDTH 280
#define PAST_DAYS 30
#define FUTURE_DAYS 365
#define DAY (24 * 3600)

struct _PvTimeline
{
  GtkWidget      parent_instance;

  GPtrArray     *items;      /* PvOverviewItem */
  gint64         now;
  PvExpiryPolicy policy;
  gboolean       watching_scroll;
  char          *description;
};

G_DEFINE_FINAL_TYPE (PvTimeline, pv_timeline, GTK_TYPE_WIDGET)

static GdkRGBA
named_color (GtkWidget  *widget,
             const char *name,
             const char *fallback)
{
  GdkRGBA color;

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), name, &color))
    gdk_rgba_parse (&color, fallback);
G_GNUC_END_IGNORE_DEPRECATIONS
  return color;
}

static GdkRGBA
state_color (GtkWidget     *widget,
             PvExpiryState  state)
{
  GdkRGBA warning = named_color (widget, "warning_color", "#9c6e03");
  GdkRGBA error = named_color (widget, "error_color", "#c01c28");

  switch (state)
    {
    case PV_EXPIRY_OK:
      return named_color (widget, "success_color", "#1b8553");
    case PV_EXPIRY_DUE_SOON:
      return warning;
    case PV_EXPIRY_URGENT:
      return (GdkRGBA) { (warning.red + error.red) / 2, (warning.green + error.green) / 2,
                         (warning.blue + error.blue) / 2, 1 };
    case PV_EXPIRY_EXPIRED:
    default:
      return error;
    }
}

static GdkRGBA
foreground (GtkWidget *widget)
{
  GdkRGBA color;

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &color);
G_GNUC_END_IGNORE_DEPRECATIONS
  return color;
}

static int
label_width (PvTimeline *self)
{
  return MIN (LABEL_MAX_WIDTH, gtk_widget_get_width (GTK_WIDGET (self)) * 2 / 5);
}

static double
x_of (PvTimeline *self,
      gint64      when)
{
  double left = label_width (self) + 8;
  double right = gtk_widget_get_width (GTK_WIDGET (self)) - 8;
  gint64 start = self->now - PAST_DAYS * DAY;
  gint64 end = self->now + FUTURE_DAYS * DAY;

  when = CLAMP (when, start, end);
  return left + (right - left) * (double) (when - start) / (double) (end - start);
}

static void
append_text (GtkSnapshot   *snapshot,
             PangoLayout   *layout,
             const char    *text,
             double         x,
             double         y,
             const GdkRGBA *color)
{
  pango_layout_set_text (layout, text, -1);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
append_dashed_line (GtkSnapshot   *snapshot,
                    double         x,
                    double         top,
                    double         bottom,
                    const GdkRGBA *color)
{
  for (double y = top; y < bottom; y += 8)
    gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, 1, MIN (4, bottom - y)));
}

static void
pv_timeline_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  PvTimeline *self = PV_TIMELINE (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double bottom = height - FOOT_HEIGHT;
  GdkRGBA fg = foreground (widget);
  GdkRGBA dim = fg, faint = fg, accent = named_color (widget, "accent_color", "#1c71d8");
  int first_row = 0, last_row = G_MAXINT;
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  g_autoptr(GDateTime) month = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (self->now);

  dim.alpha *= 0.55;
  faint.alpha *= 0.12;
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);

  /* Months: a faint line and the month's name at each first day. */
  month = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now), 1, 0, 0, 0);
  month = g_date_time_add_months (g_steal_pointer (&month), -1);
  for (guint i = 0; i < 15; i++)
    {
      g_autoptr(GDateTime) next = g_date_time_add_months (month, 1);
      gint64 at = g_date_time_to_unix (month);

      if (at >= self->now - PAST_DAYS * DAY && at <= self->now + FUTURE_DAYS * DAY)
        {
          double x = x_of (self, at);
          /* A month's short name; the year at each January */
          g_autofree char *name = g_date_time_format (month, g_date_time_get_month (month) == 1 ? "%Y" : "%b");

          gtk_snapshot_append_color (snapshot, &faint, &GRAPHENE_RECT_INIT (x, AXIS_HEIGHT - 4, 1, bottom - AXIS_HEIGHT + 4));
          pango_layout_set_width (layout, -1);
          append_text (snapshot, layout, name, x + 3, 2, &dim);
        }
      g_clear_pointer (&month, g_date_time_unref);
      month = g_steal_pointer (&next);
    }

  /* Reminder thresholds, counted from today: a token whose bar ends left
   * of the "30 d" line will be reminded of within 30 days.  Their labels go
   * under the scale, left to right after "Today", where they fit. */
  {
    double label_end;
    int text_width;

    pango_layout_set_width (layout, -1);
    pango_layout_set_text (layout, _("Today"), -1);
    pango_layout_get_pixel_size (layout, &text_width, NULL);
    label_end = x_of (self, self->now) + 4 + text_width;
    for (int i = (int) self->policy.n_thresholds - 1; i >= 0; i--)
      {
        guint days = self->policy.thresholds[i];
        double x = x_of (self, self->now + (gint64) days * DAY);
        /* Translators: a reminder threshold on the timeline, in days: "30 d" */
        g_autofree char *text = g_strdup_printf (_("%u d"), days);

        append_dashed_line (snapshot, x, AXIS_HEIGHT, bottom, &dim);
        pango_layout_set_text (layout, text, -1);
        pango_layout_get_pixel_size (layout, &text_width, NULL);
        if (x - text_width / 2.0 < label_end + 6)
          continue;
        append_text (snapshot, layout, text, x - text_width / 2.0, bottom + 3, &dim);
        label_end = x + text_width / 2.0;
      }
  }

  /* Bars: only those in view, so that hundreds of tokens cost what a
   * screenful does; scrolling redraws (see map). */
  {
    GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
    graphene_rect_t view;

    if (scrolled != NULL && gtk_widget_compute_bounds (scrolled, widget, &view))
      {
        first_row = MAX (0, (int) ((view.origin.y - AXIS_HEIGHT) / ROW_HEIGHT) - 1);
        last_row = MAX (0, (int) ((view.origin.y + view.size.height - AXIS_HEIGHT) / ROW_HEIGHT) + 1);
      }
  }
  for (guint i = first_row; self->items != NULL && i < self->items->len && (int) i <= last_row; i++)
    {
      PvOverviewItem *item = g_ptr_array_index (self->items, i);
      double y = AXIS_HEIGHT + i * ROW_HEIGHT;
      double x0 = x_of (self, item->starts_at ? item->starts_at : self->now - PAST_DAYS * DAY);
      double x1 = x_of (self, item->expires_at);
      GdkRGBA color = state_color (widget, item->retiring ? PV_EXPIRY_OK : item->state);
      GskRoundedRect bar;

      if (i % 2 == 1)
        gtk_snapshot_append_color (snapshot, &(GdkRGBA) { fg.red, fg.green, fg.blue, fg.alpha * 0.04 },
                                   &GRAPHENE_RECT_INIT (0, y, width, ROW_HEIGHT));
      pango_layout_set_width (layout, (label_width (self) - 12) * PANGO_SCALE);
      append_text (snapshot, layout, item->label, 6, y + 4, item->in_use ? &fg : &dim);
      pango_layout_set_width (layout, -1);

      x1 = MAX (x1, x0 + 4);
      gsk_rounded_rect_init_from_rect (&bar, &GRAPHENE_RECT_INIT (x0, y + (ROW_HEIGHT - BAR_HEIGHT) / 2.0,
                                                                  x1 - x0, BAR_HEIGHT), BAR_HEIGHT / 2.0);
      gtk_snapshot_push_rounded_clip (snapshot, &bar);
      gtk_snapshot_append_color (snapshot, &color, &bar.bounds);
      gtk_snapshot_pop (snapshot);
      /* The token the identity provider uses is outlined. */
      if (item->in_use)
        {
          float w[4] = { 2, 2, 2, 2 };
          GdkRGBA c[4] = { fg, fg, fg, fg };

          gtk_snapshot_append_border (snapshot, &bar, w, c);
        }
    }

  /* Today, above everything */
  {
    double x = x_of (self, self->now);

    gtk_snapshot_append_color (snapshot, &accent, &GRAPHENE_RECT_INIT (x - 1, AXIS_HEIGHT - 6, 2, bottom - AXIS_HEIGHT + 6));
    append_text (snapshot, layout, _("Today"), x + 4, bottom + 3, &accent);
  }
}

static void
pv_timeline_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  PvTimeline *self = PV_TIMELINE (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 320;
      *natural = 900;
    }
  else
    *minimum = *natural = AXIS_HEIGHT + FOOT_HEIGHT + ROW_HEIGHT * MAX (1, self->items ? self->items->len : 0);
}

static gboolean
pv_timeline_query_tooltip (GtkWidget  *widget,
                           int         x,
                           int         y,
                           gboolean    keyboard,
                           GtkTooltip *tooltip)
{
  PvTimeline *self = PV_TIMELINE (widget);
  int row = (y - AXIS_HEIGHT) / ROW_HEIGHT;
  PvOverviewItem *item;
  g_autofree char *left = NULL;
  g_autofree char *date = NULL;
  g_autofree char *text = NULL;

  if (self->items == NULL || y < AXIS_HEIGHT || row < 0 || (guint) row >= self->items->len)
    return FALSE;
  item = g_ptr_array_index (self->items, row);
  left = pv_format_days_left (item->expires_at, pv_tenant_info_get_now (item->tenant, self->now));
  date = pv_format_date (item->expires_at);
  /* Translators: a bar's tooltip: its label, "expires in 9 days", the date, its state */
  text = g_strdup_printf (_("%s\n%s (%s), %s"), item->label, left, date, pv_overview_item_state_label (item));
  if (item->in_use)
    {
      g_autofree char *shorter = g_steal_pointer (&text);

      text = g_strconcat (shorter, "\n", _("In use by the identity provider"), NULL);
    }
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
pv_timeline_map (GtkWidget *widget)
{
  PvTimeline *self = PV_TIMELINE (widget);
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);

  GTK_WIDGET_CLASS (pv_timeline_parent_class)->map (widget);
  if (scrolled != NULL && !self->watching_scroll)
    {
      GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

      g_signal_connect_object (adjustment, "value-changed", G_CALLBACK (gtk_widget_queue_draw), self,
                               G_CONNECT_SWAPPED);
      self->watching_scroll = TRUE;
    }
}

static void
pv_timeline_css_changed (GtkWidget         *widget,
                         GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (pv_timeline_parent_class)->css_changed (widget, change);
  /* Light and dark styles have their own named colours. */
  gtk_widget_queue_draw (widget);
}

static void
pv_timeline_finalize (GObject *object)
{
  PvTimeline *self = PV_TIMELINE (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->description, g_free);

  G_OBJECT_CLASS (pv_timeline_parent_class)->finalize (object);
}

static void
pv_timeline_class_init (PvTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pv_timeline_finalize;
  widget_class->snapshot = pv_timeline_snapshot;
  widget_class->measure = pv_timeline_measure;
  widget_class->query_tooltip = pv_timeline_query_tooltip;
  widget_class->css_changed = pv_timeline_css_changed;
  widget_class->map = pv_timeline_map;
  gtk_widget_class_set_css_name (widget_class, "pv-timeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
pv_timeline_init (PvTimeline *self)
{
  pv_expiry_policy_init_default (&self->policy);
  self->now = g_get_real_time () / G_USEC_PER_SEC;
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Token expiry timeline"), -1);
}

GtkWidget *
pv_timeline_new (void)
{
  return g_object_new (PV_TYPE_TIMELINE, NULL);
}

/**
 * pv_timeline_set_items:
 * @items: (element-type PvOverviewItem): the bars; referenced
 * @now: today, by the tenants' clock
 * @policy: the reminder thresholds to mark
 */
void
pv_timeline_set_items (PvTimeline           *self,
                       GPtrArray            *items,
                       gint64                now,
                       const PvExpiryPolicy *policy)
{
  g_autofree char *description = NULL;
  guint old_len = self->items ? self->items->len : 0;

  g_return_if_fail (PV_IS_TIMELINE (self));

  g_clear_pointer (&self->items, g_ptr_array_unref);
  self->items = g_ptr_array_ref (items);
  self->now = now;
  self->policy = *policy;
  description = pv_overview_describe (items, now);
  /* Screen readers hear of it when it changes, not at every refresh. */
  if (g_strcmp0 (description, self->description) != 0)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
      g_free (self->description);
      self->description = g_steal_pointer (&description);
    }
  /* A new size makes the whole overview measure itself again: only then. */
  if (items->len != old_len)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  else
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
pv_timeline_get_n_bars (PvTimeline *self)
{
  g_return_val_if_fail (PV_IS_TIMELINE (self), 0);
  return self->items ? self->items->len : 0;
}
