/* pv-calendar.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-expiry.h"

G_BEGIN_DECLS

char *pv_calendar_build (GListModel           *tenants,
                         const PvExpiryPolicy *policy,
                         gint64                now);

G_END_DECLS
