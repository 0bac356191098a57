/* pv-entra.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "pv-connection-info.h"
#include "pv-graph.h"
#include "pv-tenant-info.h"

G_BEGIN_DECLS

/**
 * PvEntraJob:
 * @id: the synchronization job's id
 * @template_id: its template, such as "scim"
 * @status: `NotConfigured`, `NotRun`, `Active`, `Paused` or `Quarantine`
 * @quarantine_reason: (nullable): why it is in quarantine
 * @quarantine_since: when the quarantine series began, or 0
 * @quarantine_error: (nullable): what the job last failed with
 * @last_success_at: when the last run without errors ended, or 0
 * @last_run_at: when the last run ended, or 0
 * @last_run_state: (nullable): `Succeeded`, `Failed` or `EntryLevelErrors`
 */
typedef struct {
  char   *id;
  char   *template_id;
  char   *status;
  char   *quarantine_reason;
  gint64  quarantine_since;
  char   *quarantine_error;
  gint64  last_success_at;
  gint64  last_run_at;
  char   *last_run_state;
} PvEntraJob;

PvEntraJob *pv_entra_job_new_from_json (JsonObject  *object,
                                        GError     **error);
PvEntraJob *pv_entra_job_copy          (const PvEntraJob *job);
void        pv_entra_job_free          (PvEntraJob  *job);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvEntraJob, pv_entra_job_free)
gboolean    pv_entra_job_in_quarantine (const PvEntraJob *job);
char       *pv_entra_job_describe      (const PvEntraJob *job,
                                        gint64            now);

/**
 * PvEntraCycle:
 * @PV_ENTRA_CYCLE_WAITING: no cycle has ended since
 * @PV_ENTRA_CYCLE_SUCCEEDED: a cycle since ended without errors
 * @PV_ENTRA_CYCLE_FAILED: the last cycle since failed, or the job went
 *   into quarantine
 *
 * What a provisioning job did since a new token was handed to it.
 */
typedef enum {
  PV_ENTRA_CYCLE_WAITING,
  PV_ENTRA_CYCLE_SUCCEEDED,
  PV_ENTRA_CYCLE_FAILED,
} PvEntraCycle;

/* How often a renewal reads the job while it waits for Entra's next cycle */
#define PV_ENTRA_CYCLE_POLL_SECONDS 60

PvEntraCycle pv_entra_job_cycle_since  (const PvEntraJob *job,
                                        gint64            since);

/**
 * PvEntraApp:
 * @service_principal_id: the enterprise app's service principal
 * @display_name: its name in Entra
 * @base_address: (nullable): the SCIM base URL its job uses, where Graph tells
 * @job: its provisioning job
 * @problem: (nullable): for an app discovery skipped, why its jobs could
 *   not be read
 */
typedef struct {
  char       *service_principal_id;
  char       *display_name;
  char       *base_address;
  PvEntraJob *job;
  char       *problem;
} PvEntraApp;

void        pv_entra_app_free          (PvEntraApp  *app);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvEntraApp, pv_entra_app_free)

gboolean    pv_entra_urls_match        (const char  *a,
                                        const char  *b);
gint        pv_entra_match             (GPtrArray   *apps,
                                        const char  *scim_base_url);

gint64      pv_entra_stale_since          (PvConnectionInfo    *connection,
                                           gint64               now);

G_END_DECLS

/* Configuration, discovery and hand-over, in their own files; callers
 * include this header only. */
#define PV_ENTRA_INSIDE
# include "pv-entra-config.h"
# include "pv-entra-discover.h"
# include "pv-entra-handover.h"
#undef PV_ENTRA_INSIDE
