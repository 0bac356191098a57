/* pv-tracked-check.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "pv-probe.h"
#include "pv-tracked-app.h"

G_BEGIN_DECLS

/* A token is asked about at most this often... */
#define PV_TRACKED_CHECK_INTERVAL (15 * 60)
/* ...and at most this many at once. */
#define PV_TRACKED_CHECK_MAX_IN_FLIGHT 8

GFile      *pv_tracked_checks_default_file (void);
GHashTable *pv_tracked_checks_verdicts     (GKeyFile           *checks,
                                            const PvTrackedApp *app);
gint64      pv_tracked_checks_last         (GKeyFile           *checks,
                                            const PvTrackedApp *app);
gboolean    pv_tracked_checks_get          (GKeyFile           *checks,
                                            const PvTrackedApp *app,
                                            const char         *kind,
                                            PvProbeVerdict     *verdict,
                                            char              **detail,
                                            gint64             *checked_at);
void        pv_tracked_checks_set          (GKeyFile           *checks,
                                            const PvTrackedApp *app,
                                            const char         *kind,
                                            PvProbeVerdict      verdict,
                                            const char         *detail,
                                            gint64              checked_at);
void        pv_tracked_checks_forget       (GKeyFile           *checks,
                                            const PvTrackedApp *app,
                                            const char         *kind);
void        pv_tracked_checks_add_due      (GKeyFile           *checks,
                                            const PvTrackedApp *app,
                                            PvTenantInfo       *info,
                                            GKeyFile           *sent,
                                            GPtrArray          *due);

void        pv_tracked_check_async         (GPtrArray           *apps,
                                            GHashTable          *tokens,
                                            GKeyFile            *checks,
                                            gint64               now,
                                            GTlsDatabase        *tls_database,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean    pv_tracked_check_finish        (GAsyncResult        *result,
                                            guint               *n_probed,
                                            guint               *peak_in_flight,
                                            GError             **error);

G_END_DECLS
