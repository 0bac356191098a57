/* pv-widgets.h: small pieces shared by the app's views
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-expiry.h"

G_BEGIN_DECLS

const char *pv_state_css_class     (PvExpiryState  state);
void        pv_set_state_class     (GtkWidget     *widget,
                                    PvExpiryState  state);
GtkWidget  *pv_state_dot_new       (void);
GtkWidget  *pv_state_pill_new      (PvExpiryState  state);
GtkWidget  *pv_copy_button_new     (const char    *text,
                                    const char    *what);
GtkWidget  *pv_info_row_new        (const char    *title,
                                    const char    *value,
                                    gboolean       copyable);
GtkWidget  *pv_info_row_add        (GtkWidget     *group,
                                    const char    *title,
                                    gboolean       copyable);
void        pv_info_row_set_value  (GtkWidget     *row,
                                    const char    *value);
void        pv_state_pill_set_state (GtkWidget    *pill,
                                    PvExpiryState  state,
                                    const char    *label);
char       *pv_error_advice        (const GError  *error);
void        pv_toast               (GtkWidget     *widget,
                                    const char    *text);
void        pv_set_tooltip         (GtkWidget     *widget,
                                    const char    *text);

G_END_DECLS
