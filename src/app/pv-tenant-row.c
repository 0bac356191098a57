/* pv-tenant-row.c: a tenant in the sidebar
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-tenant-row"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-application.h"
#include "pv-overview.h"
#include "pv-shape.h"
#include "pv-tenant-row.h"
#include "pv-widgets.h"

/* Its state as a coloured dot (a warning sign when it could not be
 * asked), its name, and a second line only where something needs saying.
 * Bound to the tenant (the sidebar's list item factory sets it): the
 * tenant's changes show by themselves; the window calls
 * pv_tenant_row_update() when the time or the thresholds change. */

struct _PvTenantRow
{
  GtkWidget     parent_instance;

  PvTenantInfo *tenant;
  GSignalGroup *signals;
  char         *accessible;

  GtkWidget    *dot;
  GtkLabel     *title;
  GtkLabel     *subtitle;
};

G_DEFINE_FINAL_TYPE (PvTenantRow, pv_tenant_row, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_TENANT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The dot, 12 px from the lines, centred on their height; the lines one
 * above the other, from the top: as a horizontal box of the dot and a
 * vertical box of the lines laid them out, without the boxes. */
#define SPACING 12

static void
pv_tenant_row_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  PvTenantRow *self = PV_TENANT_ROW (widget);
  int dot_min, dot_nat, title_min, title_nat, sub_min = 0, sub_nat = 0;
  gboolean two = gtk_widget_get_visible (GTK_WIDGET (self->subtitle));

  gtk_widget_measure (self->dot, orientation, -1, &dot_min, &dot_nat, NULL, NULL);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      gtk_widget_measure (GTK_WIDGET (self->title), orientation, -1, &title_min, &title_nat, NULL, NULL);
      if (two)
        gtk_widget_measure (GTK_WIDGET (self->subtitle), orientation, -1, &sub_min, &sub_nat, NULL, NULL);
      *minimum = dot_min + SPACING + MAX (title_min, sub_min);
      *natural = dot_nat + SPACING + MAX (title_nat, sub_nat);
    }
  else
    {
      int lines_for = for_size < 0 ? -1 : MAX (0, for_size - dot_nat - SPACING);

      gtk_widget_measure (GTK_WIDGET (self->title), orientation, lines_for, &title_min, &title_nat, NULL, NULL);
      if (two)
        gtk_widget_measure (GTK_WIDGET (self->subtitle), orientation, lines_for, &sub_min, &sub_nat, NULL, NULL);
      *minimum = MAX (dot_min, title_min + sub_min);
      *natural = MAX (dot_nat, title_nat + sub_nat);
    }
}

static void
pv_tenant_row_size_allocate (GtkWidget *widget,
                             int        width,
                             int        height,
                             int        baseline)
{
  PvTenantRow *self = PV_TENANT_ROW (widget);
  gboolean rtl = gtk_widget_get_direction (widget) == GTK_TEXT_DIR_RTL;
  int dot_w, dot_h, lines_w, title_h, sub_h = 0, top;

  gtk_widget_measure (self->dot, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &dot_w, NULL, NULL);
  gtk_widget_measure (self->dot, GTK_ORIENTATION_VERTICAL, dot_w, NULL, &dot_h, NULL, NULL);
  dot_w = MIN (dot_w, width);
  dot_h = MIN (dot_h, height);
  lines_w = MAX (0, width - dot_w - SPACING);
  gtk_widget_measure (GTK_WIDGET (self->title), GTK_ORIENTATION_VERTICAL, lines_w, NULL, &title_h, NULL, NULL);
  if (gtk_widget_get_visible (GTK_WIDGET (self->subtitle)))
    gtk_widget_measure (GTK_WIDGET (self->subtitle), GTK_ORIENTATION_VERTICAL, lines_w, NULL, &sub_h, NULL, NULL);
  title_h = MIN (title_h, height);
  sub_h = MIN (sub_h, height - title_h);
  /* The lines centred on the row's height, as the dot: a row of one line
   * is given the sidebar's 36 px, or more in a tall window (pv-window.ui) */
  top = (height - title_h - sub_h) / 2;

  gtk_widget_size_allocate (self->dot, &(GtkAllocation) { rtl ? width - dot_w : 0, (height - dot_h) / 2, dot_w, dot_h }, -1);
  gtk_widget_size_allocate (GTK_WIDGET (self->title),
                            &(GtkAllocation) { rtl ? 0 : width - lines_w, top, lines_w, title_h }, -1);
  if (gtk_widget_get_visible (GTK_WIDGET (self->subtitle)))
    gtk_widget_size_allocate (GTK_WIDGET (self->subtitle),
                              &(GtkAllocation) { rtl ? 0 : width - lines_w, top + title_h, lines_w, sub_h }, -1);
}

/**
 * pv_tenant_row_update:
 *
 * Shows the tenant's state as it is now.
 */
void
pv_tenant_row_update (PvTenantRow *self)
{
  PvTenantInfo *tenant = self->tenant;
  const char *name;
  const GError *error;
  PvExpiryPolicy storage;
  const PvExpiryPolicy *override;
  PvExpiryState state;
  g_autofree char *accessible = NULL;

  g_return_if_fail (PV_IS_TENANT_ROW (self));

  if (tenant == NULL)
    return;
  name = pv_tenant_info_get_name (tenant);
  error = pv_tenant_info_get_error (tenant);
  override = pv_application_get_override (PV_APPLICATION (g_application_get_default ()), &storage);
  state = pv_overview_tenant_state (tenant, override, g_get_real_time () / G_USEC_PER_SEC);
  if (g_strcmp0 (gtk_label_get_label (self->title), name ? name : pv_tenant_info_get_id (tenant)) != 0)
    gtk_label_set_label (self->title, name ? name : pv_tenant_info_get_id (tenant));
  /* Could not be asked: a warning sign, urgent or worse, as its state is
   * not known beyond what it was */
  pv_set_state_class (self->dot, error != NULL ? MAX (state, PV_EXPIRY_URGENT) : state);
  gtk_image_set_from_paintable (GTK_IMAGE (self->dot), pv_shape_get (error != NULL ? PV_SHAPE_WARNING : PV_SHAPE_DOT));
  if (error != NULL)
    gtk_label_set_label (self->subtitle, error->message);
  else if (pv_tenant_info_get_fetched_at (tenant) == 0)
    gtk_label_set_label (self->subtitle, _("Not fetched yet"));
  else
    gtk_label_set_label (self->subtitle, pv_expiry_state_to_label (state));
  /* One line where all is well: the rows that need something stand out,
   * and hundreds of tenants fit twice as many to a screen. */
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle),
                          error != NULL || state != PV_EXPIRY_OK || pv_tenant_info_get_fetched_at (tenant) == 0);
  /* Translators: a tenant in the sidebar, for screen readers: its name, then its state */
  accessible = g_strdup_printf (_("%s, %s"), gtk_label_get_label (self->title), gtk_label_get_label (self->subtitle));
  /* A refresh that changes nothing changes nothing here either. */
  if (g_strcmp0 (accessible, self->accessible) == 0)
    return;
  /* The second line, whole (it is cut at the row's width), even where all
   * is well and it is hidden */
  pv_set_tooltip (GTK_WIDGET (self), gtk_label_get_label (self->subtitle));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  g_free (self->accessible);
  self->accessible = g_steal_pointer (&accessible);
}

/**
 * pv_tenant_row_set_tenant:
 * @tenant: (nullable): the tenant to show
 */
void
pv_tenant_row_set_tenant (PvTenantRow  *self,
                          PvTenantInfo *tenant)
{
  g_return_if_fail (PV_IS_TENANT_ROW (self));

  if (!g_set_object (&self->tenant, tenant))
    return;
  g_signal_group_set_target (self->signals, tenant);
  pv_tenant_row_update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TENANT]);
}

/**
 * pv_tenant_row_get_tenant:
 *
 * Returns: (transfer none) (nullable): the tenant shown
 */
PvTenantInfo *
pv_tenant_row_get_tenant (PvTenantRow *self)
{
  g_return_val_if_fail (PV_IS_TENANT_ROW (self), NULL);
  return self->tenant;
}

static void
pv_tenant_row_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  PvTenantRow *self = PV_TENANT_ROW (object);

  switch (prop_id)
    {
    case PROP_TENANT:
      g_value_set_object (value, self->tenant);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pv_tenant_row_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  PvTenantRow *self = PV_TENANT_ROW (object);

  switch (prop_id)
    {
    case PROP_TENANT:
      pv_tenant_row_set_tenant (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pv_tenant_row_dispose (GObject *object)
{
  PvTenantRow *self = PV_TENANT_ROW (object);
  GtkWidget *child;

  if (self->signals != NULL)
    g_signal_group_set_target (self->signals, NULL);
  g_clear_object (&self->signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), PV_TYPE_TENANT_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->tenant);
  g_clear_pointer (&self->accessible, g_free);

  G_OBJECT_CLASS (pv_tenant_row_parent_class)->dispose (object);
}

static void
pv_tenant_row_class_init (PvTenantRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pv_tenant_row_dispose;
  object_class->get_property = pv_tenant_row_get_property;
  object_class->set_property = pv_tenant_row_set_property;
  widget_class->measure = pv_tenant_row_measure;
  widget_class->size_allocate = pv_tenant_row_size_allocate;

  properties[PROP_TENANT] = g_param_spec_object ("tenant", NULL, NULL, PV_TYPE_TENANT_INFO,
                                                 G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/provisio/Provisio/ui/pv-tenant-row.ui");
  /* As the box it was */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
  gtk_widget_class_bind_template_child (widget_class, PvTenantRow, dot);
  gtk_widget_class_bind_template_child (widget_class, PvTenantRow, title);
  gtk_widget_class_bind_template_child (widget_class, PvTenantRow, subtitle);
}

static void
pv_tenant_row_init (PvTenantRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->signals = g_signal_group_new (PV_TYPE_TENANT_INFO);
  g_signal_group_connect_swapped (self->signals, "changed", G_CALLBACK (pv_tenant_row_update), self);
  g_signal_group_connect_swapped (self->signals, "notify::fetched-at", G_CALLBACK (pv_tenant_row_update), self);
}

/**
 * pv_tenant_row_new:
 *
 * Returns: (transfer floating): a row showing no tenant yet
 */
GtkWidget *
pv_tenant_row_new (void)
{
  return g_object_new (PV_TYPE_TENANT_ROW, NULL);
}
