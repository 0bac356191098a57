/* pv-shape.c: the few symbolic icons on the overview's path, drawn here
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-shape"

#include "config.h"

#include "pv-shape.h"

/* GTK draws a symbolic icon at a size it has no PNG for (the 12 px state
 * dots and warning signs, libadwaita's expander arrow, which comes as an
 * SVG only) with librsvg, and loading librsvg costs every window that
 * shows one about 6.5 MB (docs/benchmarks.md).  These are the same
 * shapes, the paths of Adwaita's and libadwaita's SVGs on their 16x16
 * grid, drawn with cairo in the colour GtkImage gives a symbolic
 * paintable: the foreground of the widget's style, so that the state
 * classes of style.css colour them as before. */

struct _PvShape
{
  GObject     parent_instance;
  PvShapeKind kind;
};

static void pv_shape_paintable_init (GdkPaintableInterface *iface);
static void pv_shape_symbolic_init (GtkSymbolicPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PvShape, pv_shape, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, pv_shape_paintable_init)
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_SYMBOLIC_PAINTABLE, pv_shape_symbolic_init))

/* media-record-symbolic: a disc of radius 7 */
static void
dot_path (cairo_t *cr)
{
  cairo_arc (cr, 8, 8, 7, 0, 2 * G_PI);
}

/* dialog-warning-symbolic: a triangle with an exclamation mark cut out */
static void
warning_path (cairo_t *cr)
{
  cairo_move_to (cr, 7.90625, 0.09375);
  cairo_rel_curve_to (cr, -0.527344, -0.0273438, -1.039062, 0.28125, -1.4375, 0.96875);
  cairo_rel_line_to (cr, -6.25, 11.59375);
  cairo_rel_curve_to (cr, -0.535156, 0.964844, 0.046875, 2.34375, 1.09375, 2.34375);
  cairo_rel_line_to (cr, 13.15625, 0);
  cairo_rel_curve_to (cr, 0.980469, 0, 1.902344, -1.160156, 1.21875, -2.34375);
  cairo_rel_line_to (cr, -6.3125, -11.53125);
  cairo_rel_curve_to (cr, -0.398438, -0.644531, -0.941406, -1.003906, -1.46875, -1.03125);
  cairo_close_path (cr);
  /* The mark's stem, with a rounded foot */
  cairo_move_to (cr, 9, 4);
  cairo_rel_line_to (cr, 0, 5);
  cairo_rel_curve_to (cr, 0.007812, 0.527344, -0.472656, 1, -1, 1);
  cairo_rel_curve_to (cr, -0.527344, 0, -1.007812, -0.472656, -1, -1);
  cairo_rel_line_to (cr, 0, -5);
  cairo_close_path (cr);
  /* Its point */
  cairo_new_sub_path (cr);
  cairo_arc (cr, 8, 12, 1, 0, 2 * G_PI);
  cairo_close_path (cr);
}

/* adw-expander-arrow-symbolic: a chevron pointing up, 2 wide, rounded;
 * libadwaita's style turns it to point down when folded */
static void
arrow_path (cairo_t *cr)
{
  cairo_move_to (cr, 3, 10);
  cairo_line_to (cr, 8, 5);
  cairo_line_to (cr, 13, 10);
}

static void
pv_shape_snapshot_symbolic (GtkSymbolicPaintable *paintable,
                            GdkSnapshot          *snapshot,
                            double                width,
                            double                height,
                            const GdkRGBA        *colors,
                            gsize                 n_colors)
{
  PvShape *self = PV_SHAPE (paintable);
  cairo_t *cr;

  if (width <= 0 || height <= 0 || n_colors == 0)
    return;
  cr = gtk_snapshot_append_cairo (GTK_SNAPSHOT (snapshot), &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_scale (cr, width / 16, height / 16);
  gdk_cairo_set_source_rgba (cr, &colors[0]);
  switch (self->kind)
    {
    case PV_SHAPE_DOT:
      dot_path (cr);
      cairo_fill (cr);
      break;
    case PV_SHAPE_WARNING:
      /* The mark is a hole in the triangle */
      cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
      warning_path (cr);
      cairo_fill (cr);
      break;
    case PV_SHAPE_EXPANDER_ARROW:
    default:
      arrow_path (cr);
      cairo_set_line_width (cr, 2);
      cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke (cr);
      break;
    }
  cairo_destroy (cr);
}

static void
pv_shape_snapshot (GdkPaintable *paintable,
                   GdkSnapshot  *snapshot,
                   double        width,
                   double        height)
{
  /* Outside a GtkImage: in the colour of Adwaita's symbolic icons' files */
  GdkRGBA fg = { 0.1803, 0.2039, 0.2117, 1.0 };

  pv_shape_snapshot_symbolic (GTK_SYMBOLIC_PAINTABLE (paintable), snapshot, width, height, &fg, 1);
}

static GdkPaintableFlags
pv_shape_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_SIZE | GDK_PAINTABLE_STATIC_CONTENTS;
}

static void
pv_shape_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = pv_shape_snapshot;
  iface->get_flags = pv_shape_get_flags;
  /* No intrinsic size: GtkImage draws it at its icon size (-gtk-icon-size) */
}

static void
pv_shape_symbolic_init (GtkSymbolicPaintableInterface *iface)
{
  iface->snapshot_symbolic = pv_shape_snapshot_symbolic;
}

static void
pv_shape_class_init (PvShapeClass *klass)
{
}

static void
pv_shape_init (PvShape *self)
{
}

/**
 * pv_shape_get:
 * @kind: which shape
 *
 * Returns: (transfer none): the shape, one of each for the whole app
 */
GdkPaintable *
pv_shape_get (PvShapeKind kind)
{
  static PvShape *shapes[PV_N_SHAPES];

  g_return_val_if_fail (kind < PV_N_SHAPES, NULL);

  if (shapes[kind] == NULL)
    {
      shapes[kind] = g_object_new (PV_TYPE_SHAPE, NULL);
      shapes[kind]->kind = kind;
    }
  return GDK_PAINTABLE (shapes[kind]);
}

/**
 * pv_shape_set_expander_arrow:
 * @row: an #AdwExpanderRow
 *
 * Draws @row's arrow with cairo rather than from libadwaita's SVG (see
 * above).  Call it before the row is first drawn.
 */
void
pv_shape_set_expander_arrow (AdwExpanderRow *row)
{
  g_autoptr(GPtrArray) todo = g_ptr_array_new ();

  g_return_if_fail (ADW_IS_EXPANDER_ROW (row));

  /* The arrow is a GtkImage of libadwaita's template, styled
   * "expander-row-arrow"; the rows added to the expander come later. */
  g_ptr_array_add (todo, row);
  while (todo->len > 0)
    {
      GtkWidget *widget = g_ptr_array_steal_index (todo, todo->len - 1);

      if (GTK_IS_IMAGE (widget) && gtk_widget_has_css_class (widget, "expander-row-arrow"))
        {
          gtk_image_set_from_paintable (GTK_IMAGE (widget), pv_shape_get (PV_SHAPE_EXPANDER_ARROW));
          return;
        }
      for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
        g_ptr_array_add (todo, child);
    }
  g_warning ("No arrow found in the expander row: libadwaita changed?");
}
