/* pv-shape.h: the few symbolic icons on the overview's path, drawn here
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

typedef enum {
  PV_SHAPE_DOT,             /* media-record-symbolic */
  PV_SHAPE_WARNING,         /* dialog-warning-symbolic */
  PV_SHAPE_EXPANDER_ARROW,  /* adw-expander-arrow-symbolic */
  PV_N_SHAPES
} PvShapeKind;

#define PV_TYPE_SHAPE (pv_shape_get_type ())

G_DECLARE_FINAL_TYPE (PvShape, pv_shape, PV, SHAPE, GObject)

GdkPaintable *pv_shape_get                (PvShapeKind     kind);
void          pv_shape_set_expander_arrow (AdwExpanderRow *row);

G_END_DECLS
