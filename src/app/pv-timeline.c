/* pv-timeline.c: every token on the next twelve months
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-timeline"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "pv-dates.h"
#include "pv-overview.h"
#include "pv-timeline.h"

/* The tokens (and SSO certificates) grouped per tenant or app, the
 * groups in the order of their soonest expiry (the overview gives the
 * items soonest first; a token being retired does not place its group):
 * a tenant with one credential is one row; a tenant with several is a row
 * of its own, its soonest credential's bar and a mark at each other's
 * expiry, and one row per credential when it is unfolded.  Tenants with
 * an expired or urgent credential start unfolded, the others folded, so
 * that a thousand credentials read as a few hundred rows with what needs
 * doing spelled out on top; a click, or Enter on the row with the focus
 * (arrows move it), folds and unfolds.  Each credential: a bar from its
 * creation to its expiry, its state told by colour and by shape (good: a
 * thin bar; due soon: a full one; urgent: striped; expired: hollow); today as a line,
 * the reminder thresholds as dashed lines counted back from the right
 * moment.  The month scale on top and the legend at the foot stay at the
 * edges of the pane it scrolls in.  It shows a month of the past and
 * twelve months ahead.  Drawn with the snapshot API in libadwaita's named
 * colours, so that it reads in light and dark styles; its accessible
 * description says the same in words. */

#define ROW_HEIGHT 26
#define BAR_HEIGHT 14
#define AXIS_HEIGHT 26
#define FOOT_HEIGHT 44
#define THIN_HEIGHT 6
#define LABEL_MAX_WIDTH 340
#define PAST_DAYS 30
#define FUTURE_DAYS 365
#define DAY (24 * 3600)

/* A tenant's credentials on the timeline */
typedef struct {
  PvTenantInfo  *tenant;
  GPtrArray     *items;      /* PvOverviewItem, soonest first; borrowed */
  PvExpiryState  state;      /* the most pressing, retiring ones left out */
} Group;

/* A line: a group's own (item %NULL, or its only item), or one of its
 * credentials when it is unfolded */
typedef struct {
  Group          *group;
  PvOverviewItem *item;
} Row;

struct _PvTimeline
{
  GtkWidget      parent_instance;

  GPtrArray     *items;      /* PvOverviewItem */
  GPtrArray     *groups;     /* Group */
  GArray        *rows;       /* Row */
  GHashTable    *folding;    /* tenant id → folded or not, as the admin chose */
  guint          cursor;     /* the row with the keyboard focus */
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

/* A bar in the shape of its state (see the top). */
static void
append_bar (GtkSnapshot   *snapshot,
            double         x0,
            double         x1,
            double         middle,
            PvExpiryState  state,
            const GdkRGBA *color,
            const GdkRGBA *background)
{
  double height = state == PV_EXPIRY_OK ? THIN_HEIGHT : BAR_HEIGHT;
  GskRoundedRect bar;

  x1 = MAX (x1, x0 + 4);
  gsk_rounded_rect_init_from_rect (&bar, &GRAPHENE_RECT_INIT (x0, middle - height / 2, x1 - x0, height), height / 2);
  gtk_snapshot_push_rounded_clip (snapshot, &bar);
  if (state == PV_EXPIRY_EXPIRED)
    {
      /* Hollow: a faint fill in a strong outline */
      float w[4] = { 2, 2, 2, 2 };
      GdkRGBA c[4] = { *color, *color, *color, *color };
      GdkRGBA faint = *color;

      faint.alpha *= 0.25;
      gtk_snapshot_append_color (snapshot, &faint, &bar.bounds);
      gtk_snapshot_pop (snapshot);
      gtk_snapshot_append_border (snapshot, &bar, w, c);
      return;
    }
  gtk_snapshot_append_color (snapshot, color, &bar.bounds);
  if (state == PV_EXPIRY_URGENT)
    {
      /* Striped: the background every other 4 px */
      GdkRGBA stripe = *background;

      stripe.alpha = 0.55;
      for (double x = x0 + 2; x < x1; x += 8)
        gtk_snapshot_append_color (snapshot, &stripe, &GRAPHENE_RECT_INIT (x, middle - height / 2, 3, height));
    }
  gtk_snapshot_pop (snapshot);
}

static void
group_free (Group *group)
{
  g_ptr_array_unref (group->items);
  g_free (group);
}

static const char *
group_id (Group *group)
{
  return pv_tenant_info_get_id (group->tenant);
}

static gboolean
group_foldable (Group *group)
{
  return group->items->len > 1;
}

/* Unfolded: as the admin chose, or where something is expired or urgent */
static gboolean
group_unfolded (PvTimeline *self,
                Group      *group)
{
  gpointer chosen;

  if (!group_foldable (group))
    return FALSE;
  if (g_hash_table_lookup_extended (self->folding, group_id (group), NULL, &chosen))
    return GPOINTER_TO_INT (chosen);
  return group->state >= PV_EXPIRY_URGENT;
}

static void
layout_rows (PvTimeline *self)
{
  g_array_set_size (self->rows, 0);
  for (guint g = 0; self->groups != NULL && g < self->groups->len; g++)
    {
      Group *group = g_ptr_array_index (self->groups, g);
      Row row = { group, group_foldable (group) ? NULL : g_ptr_array_index (group->items, 0) };

      g_array_append_val (self->rows, row);
      if (!group_unfolded (self, group))
        continue;
      for (guint i = 0; i < group->items->len; i++)
        {
          Row line = { group, g_ptr_array_index (group->items, i) };

          g_array_append_val (self->rows, line);
        }
    }
  if (self->cursor >= self->rows->len)
    self->cursor = self->rows->len ? self->rows->len - 1 : 0;
}

/* Groups in the order of their soonest expiry that counts */
static void
group_items (PvTimeline *self)
{
  g_autoptr(GHashTable) by_tenant = g_hash_table_new (NULL, NULL);

  g_clear_pointer (&self->groups, g_ptr_array_unref);
  self->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < self->items->len; i++)
      {
        PvOverviewItem *item = g_ptr_array_index (self->items, i);
        Group *group = g_hash_table_lookup (by_tenant, item->tenant);

        /* First those that count, to place the groups; then all, in order. */
        if (pass == 0 && (item->retiring || group != NULL))
          continue;
        if (group == NULL)
          {
            group = g_new0 (Group, 1);
            group->tenant = item->tenant;
            group->items = g_ptr_array_new ();
            g_hash_table_insert (by_tenant, item->tenant, group);
            g_ptr_array_add (self->groups, group);
          }
        if (pass == 1)
          {
            g_ptr_array_add (group->items, item);
            if (!item->retiring)
              group->state = MAX (group->state, item->state);
          }
      }
  layout_rows (self);
}

static gboolean
row_at (PvTimeline *self,
        double      y,
        guint      *row)
{
  if (y < AXIS_HEIGHT)
    return FALSE;
  *row = (guint) ((y - AXIS_HEIGHT) / ROW_HEIGHT);
  return *row < self->rows->len;
}

/* The part of the timeline in sight: its pane scrolls it. */
static void
visible_part (PvTimeline *self,
              double     *top,
              double     *height)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t view;

  *top = 0;
  *height = gtk_widget_get_height (widget);
  if (scrolled != NULL && gtk_widget_compute_bounds (scrolled, widget, &view))
    {
      *top = MAX (0, view.origin.y);
      *height = MIN (gtk_widget_get_height (widget) - *top, view.size.height - MAX (0, -view.origin.y));
    }
}

static void
pv_timeline_snapshot (GtkWidget   *widget,
                      GtkSnapshot *snapshot)
{
  PvTimeline *self = PV_TIMELINE (widget);
  int width = gtk_widget_get_width (widget);
  double view_top, view_height, top, bottom;
  GdkRGBA fg = foreground (widget);
  GdkRGBA dim = fg, faint = fg, accent = named_color (widget, "accent_color", "#1c71d8");
  GdkRGBA card = named_color (widget, "card_bg_color", "#ffffff");
  GdkRGBA window = named_color (widget, "window_bg_color", "#fafafa");
  GdkRGBA background;
  int first_row, last_row;
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  g_autoptr(GDateTime) month = NULL;
  g_autoptr(GDateTime) now = pv_date_time_new_local (self->now);
  int text_width, text_height;

  /* Dimmed text at 0.7 keeps 4.5:1 on the card in both styles. */
  dim.alpha *= 0.7;
  faint.alpha *= 0.12;
  /* The axis and the legend cover the rows scrolled under them: the card
   * as it looks, opaque.  In the dark style the card is a translucent white
   * over the window's background, not a white of its own. */
  background = (GdkRGBA) { card.red * card.alpha + window.red * (1 - card.alpha),
                           card.green * card.alpha + window.green * (1 - card.alpha),
                           card.blue * card.alpha + window.blue * (1 - card.alpha), 1 };
  visible_part (self, &view_top, &view_height);
  top = view_top + AXIS_HEIGHT;
  bottom = view_top + view_height - FOOT_HEIGHT;

  /* Rows: only those in view, so that a thousand tokens cost what a
   * screenful does; scrolling redraws (see map). */
  first_row = MAX (0, (int) ((view_top) / ROW_HEIGHT) - 1);
  last_row = (int) ((view_top + view_height) / ROW_HEIGHT) + 1;
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_MIDDLE);
  for (guint i = first_row; i < self->rows->len && (int) i <= last_row; i++)
    {
      Row *row = &g_array_index (self->rows, Row, i);
      double y = AXIS_HEIGHT + i * ROW_HEIGHT;
      gboolean header = row->item == NULL;
      gboolean line = row->item != NULL && group_foldable (row->group);
      /* A group's row shows its soonest credential's bar */
      PvOverviewItem *item = header ? g_ptr_array_index (row->group->items, 0) : row->item;
      double x0 = x_of (self, item->starts_at ? item->starts_at : self->now - PAST_DAYS * DAY);
      double x1 = x_of (self, item->expires_at);
      PvExpiryState state = item->retiring ? PV_EXPIRY_OK : item->state;
      GdkRGBA color = state_color (widget, state);
      g_autofree char *label = NULL;
      double indent = line ? 22 : 6;

      if (i % 2 == 1)
        gtk_snapshot_append_color (snapshot, &(GdkRGBA) { fg.red, fg.green, fg.blue, fg.alpha * 0.04 },
                                   &GRAPHENE_RECT_INIT (0, y, width, ROW_HEIGHT));
      if (header)
        {
          const char *name = pv_tenant_info_get_name (row->group->tenant);

          /* Translators: a tenant's row on the timeline, folded or not: its
           * name and how many tokens and certificates it has */
          label = g_strdup_printf (_("%s %s (%u)"), group_unfolded (self, row->group) ? "▾" : "▸",
                                   name ? name : group_id (row->group), row->group->items->len);
        }
      else if (line)
        {
          const char *name = pv_tenant_info_get_name (row->group->tenant);
          gsize n = strlen (name ? name : group_id (row->group));

          /* Under the tenant's row, its name goes: "Users · pvs_AbC123" */
          label = g_strdup (g_str_has_prefix (item->label, name ? name : group_id (row->group)) &&
                            g_str_has_prefix (item->label + n, " · ") ? item->label + n + strlen (" · ")
                                                                          : item->label);
        }
      /* The middle goes first: the end says which app and token. */
      pango_layout_set_width (layout, (label_width (self) - 6 - indent) * PANGO_SCALE);
      append_text (snapshot, layout, label ? label : item->label, indent, y + 4,
                   header || item->in_use ? &fg : &dim);
      append_bar (snapshot, x0, x1, y + ROW_HEIGHT / 2.0, state, &color, &background);
      /* The token the identity provider uses is marked at its end. */
      if (!header && item->in_use && state != PV_EXPIRY_EXPIRED)
        gtk_snapshot_append_color (snapshot, &fg, &GRAPHENE_RECT_INIT (MAX (x1, x0 + 4) - 2, y + 4, 2, ROW_HEIGHT - 8));
      /* Folded: the others' expiries as marks in their states' colours */
      if (header)
        for (guint k = 1; k < row->group->items->len; k++)
          {
            PvOverviewItem *other = g_ptr_array_index (row->group->items, k);
            GdkRGBA mark = state_color (widget, other->retiring ? PV_EXPIRY_OK : other->state);

            gtk_snapshot_append_color (snapshot, &mark,
                                       &GRAPHENE_RECT_INIT (x_of (self, other->expires_at) - 1.5,
                                                            y + (ROW_HEIGHT - BAR_HEIGHT) / 2.0, 3, BAR_HEIGHT));
          }
      if (i == self->cursor && gtk_widget_has_focus (widget))
        {
          GskRoundedRect focus;
          float w[4] = { 2, 2, 2, 2 };
          GdkRGBA c[4] = { accent, accent, accent, accent };

          gsk_rounded_rect_init_from_rect (&focus, &GRAPHENE_RECT_INIT (2, y + 1, width - 4, ROW_HEIGHT - 2), 4);
          gtk_snapshot_append_border (snapshot, &focus, w, c);
        }
    }
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_NONE);
  pango_layout_set_width (layout, -1);

  /* Months: a faint line at each first day; the scale stays on top. */
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, view_top, width, AXIS_HEIGHT));
  gtk_snapshot_append_color (snapshot, &faint, &GRAPHENE_RECT_INIT (0, top - 1, width, 1));
  {
    double per_month = (x_of (self, self->now + FUTURE_DAYS * DAY) - x_of (self, self->now - PAST_DAYS * DAY))
                       * 30.0 / (PAST_DAYS + FUTURE_DAYS);
    int widest = 0;
    guint step;
    double label_end = 0;
    g_autoptr(GDateTime) first = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now), 1,
                                                       0, 0, 0);

    /* Names that fit: every month, or every second, third… evenly;
     * none runs into the next or past the edge. */
    month = g_date_time_add_months (first, -1);
    for (guint i = 0; i < 12; i++)
      {
        g_autofree char *name = g_date_time_format (month, "%b");
        GDateTime *next = g_date_time_add_months (month, 1);

        pango_layout_set_text (layout, name, -1);
        pango_layout_get_pixel_size (layout, &text_width, NULL);
        widest = MAX (widest, text_width);
        g_date_time_unref (month);
        month = next;
      }
    g_clear_pointer (&month, g_date_time_unref);
    per_month = MAX (1.0, per_month);
    step = MAX (1, (guint) ((widest + 12 + per_month - 1) / per_month));
    month = g_date_time_add_months (first, -1);
    for (guint i = 0; i < 15; i++)
      {
        g_autoptr(GDateTime) next = g_date_time_add_months (month, 1);
        gint64 at = g_date_time_to_unix (month);

        if (at >= self->now - PAST_DAYS * DAY && at <= self->now + FUTURE_DAYS * DAY)
          {
            double x = x_of (self, at);
            /* A month's short name; with the year at each January: "Jan 2027" */
            g_autofree char *name = g_date_time_format (month, g_date_time_get_month (month) == 1 ? "%b %Y" : "%b");

            gtk_snapshot_append_color (snapshot, &faint, &GRAPHENE_RECT_INIT (x, top - 4, 1, bottom - top + 4));
            pango_layout_set_text (layout, name, -1);
            pango_layout_get_pixel_size (layout, &text_width, NULL);
            if ((g_date_time_get_month (month) - 1) % step == 0 && x + 3 >= label_end &&
                x + 3 + text_width <= width - 4)
              {
                append_text (snapshot, layout, name, x + 3, view_top + 4, &dim);
                label_end = x + 3 + text_width + 8;
              }
          }
        g_clear_pointer (&month, g_date_time_unref);
        month = g_steal_pointer (&next);
      }
  }

  /* The foot, at the bottom of the pane: the thresholds' and today's
   * names on the first line, the legend on the second. */
  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (0, bottom, width, FOOT_HEIGHT));
  gtk_snapshot_append_color (snapshot, &faint, &GRAPHENE_RECT_INIT (0, bottom, width, 1));
  {
    double label_end;

    pango_layout_set_text (layout, _("Today"), -1);
    pango_layout_get_pixel_size (layout, &text_width, &text_height);
    label_end = x_of (self, self->now) + 4 + text_width;
    /* Reminder thresholds, counted from today: a token whose bar ends left
     * of the "30 d" line will be reminded of within 30 days. */
    for (int i = (int) self->policy.n_thresholds - 1; i >= 0; i--)
      {
        guint days = self->policy.thresholds[i];
        double x = x_of (self, self->now + (gint64) days * DAY);
        /* Translators: a reminder threshold on the timeline, in days: "30 d" */
        g_autofree char *text = g_strdup_printf (_("%u d"), days);

        append_dashed_line (snapshot, x, top, bottom, &dim);
        pango_layout_set_text (layout, text, -1);
        pango_layout_get_pixel_size (layout, &text_width, NULL);
        if (x - text_width / 2.0 < label_end + 6 || x + text_width / 2.0 > width - 4)
          continue;
        append_text (snapshot, layout, text, x - text_width / 2.0, bottom + 3, &dim);
        label_end = x + text_width / 2.0;
      }
  }
  {
    double x = 8, y = bottom + 4 + text_height;

    for (int state = PV_EXPIRY_EXPIRED; state >= PV_EXPIRY_OK; state--)
      {
        GdkRGBA color = state_color (widget, state);
        const char *name = pv_expiry_state_to_label (state);

        pango_layout_set_text (layout, name, -1);
        pango_layout_get_pixel_size (layout, &text_width, NULL);
        if (x + 28 + text_width > width)
          break;
        append_bar (snapshot, x, x + 22, y + text_height / 2.0, state, &color, &background);
        append_text (snapshot, layout, name, x + 28, y, &dim);
        x += 28 + text_width + 16;
      }
  }

  /* Today, above everything */
  {
    double x = x_of (self, self->now);

    gtk_snapshot_append_color (snapshot, &accent, &GRAPHENE_RECT_INIT (x - 1, top - 6, 2, bottom - top + 6));
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
    *minimum = *natural = AXIS_HEIGHT + FOOT_HEIGHT + ROW_HEIGHT * MAX (1, self->rows->len);
}

static gboolean
pv_timeline_query_tooltip (GtkWidget  *widget,
                           int         x,
                           int         y,
                           gboolean    keyboard,
                           GtkTooltip *tooltip)
{
  PvTimeline *self = PV_TIMELINE (widget);
  double view_top, view_height;
  guint row;
  Row *at;
  PvOverviewItem *item;
  g_autofree char *left = NULL;
  g_autofree char *date = NULL;
  g_autofree char *text = NULL;

  /* Not over the scale or the legend that float over the rows */
  visible_part (self, &view_top, &view_height);
  if (y < view_top + AXIS_HEIGHT || y > view_top + view_height - FOOT_HEIGHT)
    return FALSE;
  if (!row_at (self, y, &row))
    return FALSE;
  at = &g_array_index (self->rows, Row, row);
  item = at->item ? at->item : g_ptr_array_index (at->group->items, 0);
  left = pv_format_days_left (item->expires_at, pv_tenant_info_get_now (item->tenant, self->now));
  date = pv_format_date (item->expires_at);
  /* Translators: a bar's tooltip: its label, "expires in 9 days", the date, its state */
  text = g_strdup_printf (_("%s\n%s (%s), %s"), item->label, left, date, pv_overview_item_state_label (item));
  if (item->in_use)
    {
      g_autofree char *shorter = g_steal_pointer (&text);

      text = g_strconcat (shorter, "\n", _("In use by the identity provider"), NULL);
    }
  if (at->item == NULL)
    {
      g_autofree char *shorter = g_steal_pointer (&text);

      /* A folded tenant: its soonest, then what a click does */
      text = g_strconcat (shorter, "\n", group_unfolded (self, at->group) ? _("Click to fold its tokens")
                                                                         : _("Click to show each of its tokens"),
                          NULL);
    }
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* The row with the focus in sight, in the pane the timeline scrolls in */
static void
scroll_to_cursor (PvTimeline *self)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  double top, bottom, value, page;

  if (scrolled == NULL)
    return;
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  value = gtk_adjustment_get_value (adjustment);
  page = gtk_adjustment_get_page_size (adjustment);
  /* Clear of the scale on top and the legend at the foot */
  top = self->cursor * ROW_HEIGHT;
  bottom = AXIS_HEIGHT + (self->cursor + 1) * ROW_HEIGHT + FOOT_HEIGHT;
  if (top < value)
    gtk_adjustment_set_value (adjustment, top);
  else if (bottom > value + page)
    gtk_adjustment_set_value (adjustment, bottom - page);
}

/**
 * pv_timeline_activate_row:
 * @row: a row, from the top
 *
 * What a click on a row, or Enter on it, does: a tenant's own row folds
 * or unfolds its credentials; a credential's row does nothing.
 *
 * Returns: whether the row folds
 */
gboolean
pv_timeline_activate_row (PvTimeline *self,
                          guint       row)
{
  Row *at;
  guint old_len;

  g_return_val_if_fail (PV_IS_TIMELINE (self), FALSE);

  if (row >= self->rows->len)
    return FALSE;
  at = &g_array_index (self->rows, Row, row);
  if (at->item != NULL)
    return FALSE;
  g_hash_table_replace (self->folding, g_strdup (group_id (at->group)),
                        GINT_TO_POINTER (!group_unfolded (self, at->group)));
  old_len = self->rows->len;
  layout_rows (self);
  self->cursor = row;
  if (self->rows->len != old_len)
    gtk_widget_queue_resize (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            PvTimeline      *self)
{
  guint row;

  if (!row_at (self, y, &row))
    return;
  self->cursor = row;
  if (pv_timeline_activate_row (self, row))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                PvTimeline            *self)
{
  guint cursor = self->cursor;
  Row *at = cursor < self->rows->len ? &g_array_index (self->rows, Row, cursor) : NULL;

  if (at == NULL)
    return FALSE;
  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (cursor == 0)
        return FALSE;
      cursor--;
      break;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      if (cursor + 1 >= self->rows->len)
        return FALSE;
      cursor++;
      break;
    case GDK_KEY_Home:
      cursor = 0;
      break;
    case GDK_KEY_End:
      cursor = self->rows->len - 1;
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_space:
      return pv_timeline_activate_row (self, cursor);
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      /* Folds the tenant of the row from any of its lines, the focus
       * back on the tenant's own row */
      if (!group_unfolded (self, at->group))
        return TRUE;
      while (g_array_index (self->rows, Row, cursor).item != NULL)
        cursor--;
      pv_timeline_activate_row (self, cursor);
      scroll_to_cursor (self);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      if (at->item == NULL && !group_unfolded (self, at->group))
        pv_timeline_activate_row (self, cursor);
      return TRUE;
    default:
      return FALSE;
    }
  self->cursor = cursor;
  scroll_to_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
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

  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->folding, g_hash_table_unref);
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
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  pv_expiry_policy_init_default (&self->policy);
  self->now = g_get_real_time () / G_USEC_PER_SEC;
  self->rows = g_array_new (FALSE, FALSE, sizeof (Row));
  self->folding = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  /* One Tab stop; arrows move between rows, Enter folds (see above) */
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  g_signal_connect (keys, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
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
  guint old_len = self->rows->len;

  g_return_if_fail (PV_IS_TIMELINE (self));

  /* The groups borrow the items: the old ones go first. */
  g_ptr_array_ref (items);
  g_clear_pointer (&self->items, g_ptr_array_unref);
  self->items = items;
  group_items (self);
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
  if (self->rows->len != old_len)
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

/**
 * pv_timeline_get_n_rows:
 *
 * Returns: how many rows it shows: one per tenant, and one per credential
 *   of the tenants unfolded
 */
guint
pv_timeline_get_n_rows (PvTimeline *self)
{
  g_return_val_if_fail (PV_IS_TIMELINE (self), 0);
  return self->rows->len;
}
