/* pv-entra-handover.h: handing a new token to an Entra app
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#if !defined (PV_ENTRA_INSIDE)
# error "Only \"pv-entra.h\" can be included directly."
#endif

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pv-graph.h"

G_BEGIN_DECLS

void        pv_entra_get_job_async     (PvGraph             *graph,
                                        const char          *service_principal_id,
                                        const char          *job_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
PvEntraJob *pv_entra_get_job_finish    (GAsyncResult        *result,
                                        GError             **error);

/**
 * PvHandOverStep:
 * @PV_HAND_OVER_SAVE: the tenant URL and the new token are saved in the Entra app
 * @PV_HAND_OVER_VALIDATE: Entra tests them against the tenant
 * @PV_HAND_OVER_CHECK_JOB: the provisioning job's state is read
 * @PV_HAND_OVER_RESTART: a job in quarantine is restarted
 */
typedef enum {
  PV_HAND_OVER_SAVE,
  PV_HAND_OVER_VALIDATE,
  PV_HAND_OVER_CHECK_JOB,
  PV_HAND_OVER_RESTART,
  PV_HAND_OVER_N_STEPS,
} PvHandOverStep;

typedef enum {
  PV_STEP_RUNNING,
  PV_STEP_DONE,
  PV_STEP_SKIPPED,
  PV_STEP_FAILED,
} PvStepState;

/* @detail: (nullable): what to say on the step; while it runs, how long
 * Graph asked to wait (again each second, counting down); "" takes back
 * what was said */
typedef void (*PvHandOverFunc) (PvHandOverStep  step,
                                PvStepState     state,
                                const char     *detail,
                                gpointer        user_data);

char       *pv_entra_hand_over_step_title (PvHandOverStep       step,
                                           const char          *app);
gboolean    pv_entra_hand_over_step_available (PvGraph         *graph,
                                               PvHandOverStep   step);
char       *pv_entra_cloud_note               (PvGraph         *graph);
void        pv_entra_hand_over_async      (PvGraph             *graph,
                                           const PvEntraLink   *link,
                                           const char          *base_address,
                                           const char          *secret,
                                           PvHandOverFunc       step_func,
                                           gpointer             step_data,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
PvEntraJob *pv_entra_hand_over_finish     (GAsyncResult        *result,
                                           GError             **error);

G_END_DECLS
