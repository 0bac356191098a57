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

/* How many service principals an estate keeps at most. */
#define PV_ENTRA_MAX_APPS 50000

/**
 * PvEntraSamlApp:
 * @service_principal_id: the enterprise app's service principal
 * @display_name: its name in Entra
 * @thumbprint: (nullable): the active signing certificate's SHA-1
 *   thumbprint (preferredTokenSigningKeyThumbprint), in upper-case hex
 * @subject: (nullable): that certificate's name among the app's keys
 * @not_after: when it expires, or 0 if none of the app's keys is the one
 *   the thumbprint names
 *
 * An enterprise app signing in with SAML, and its active signing certificate.
 */
typedef struct {
  char   *service_principal_id;
  char   *display_name;
  char   *thumbprint;
  char   *subject;
  gint64  not_after;
} PvEntraSamlApp;

PvEntraSamlApp *pv_entra_saml_app_new_from_json (JsonObject *object);
PvTenantInfo   *pv_entra_saml_app_new_info     (const PvEntraSamlApp *app);
const char     *pv_entra_saml_info_get_app_name (PvTenantInfo        *info);
void        pv_entra_saml_app_free     (PvEntraSamlApp *app);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvEntraSamlApp, pv_entra_saml_app_free)

GFile      *pv_entra_saml_state_file   (void);
GBytes     *pv_entra_saml_apps_to_bytes (GPtrArray          *apps);
GPtrArray  *pv_entra_saml_apps_from_data (const char        *data,
                                          gsize              length,
                                          GError           **error);
GPtrArray  *pv_entra_saml_apps_new_infos (GPtrArray         *apps);
char       *pv_entra_saml_describe_steps (PvTenantInfo      *info);

#define PV_TYPE_ENTRA_ESTATE (pv_entra_estate_get_type ())
G_DECLARE_FINAL_TYPE (PvEntraEstate, pv_entra_estate, PV, ENTRA_ESTATE, GObject)

PvEntraEstate *pv_entra_estate_new            (void);
guint       pv_entra_estate_get_size          (PvEntraEstate       *self);
GPtrArray  *pv_entra_estate_get_apps          (PvEntraEstate       *self);
GPtrArray  *pv_entra_estate_get_skipped       (PvEntraEstate       *self);
GPtrArray  *pv_entra_estate_get_saml_apps     (PvEntraEstate       *self);
void        pv_entra_estate_refresh_async     (PvEntraEstate       *self,
                                               PvGraph             *graph,
                                               PvProgressFunc       progress,
                                               gpointer             progress_data,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean    pv_entra_estate_refresh_finish    (PvEntraEstate       *self,
                                               GAsyncResult        *result,
                                               GError             **error);

void        pv_entra_discover_async    (PvGraph             *graph,
                                        PvProgressFunc       progress,
                                        gpointer             progress_data,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
GPtrArray  *pv_entra_discover_finish   (GAsyncResult        *result,
                                        GPtrArray          **skipped,
                                        GError             **error);

void        pv_entra_get_job_async     (PvGraph             *graph,
                                        const char          *service_principal_id,
                                        const char          *job_id,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
PvEntraJob *pv_entra_get_job_finish    (GAsyncResult        *result,
                                        GError             **error);

/**
 * PvEntraLink:
 * @service_principal_id: the enterprise app the admin confirmed
 * @job_id: its provisioning job
 * @display_name: its name in Entra, for the steps
 * @imported: made by Import from Entra rather than by the admin
 * @removed_at: when an import last found the app gone from Entra, or 0
 *
 * Which Entra app provisions one connection of a tenant.
 */
typedef struct {
  char     *service_principal_id;
  char     *job_id;
  char     *display_name;
  gboolean  imported;
  gint64    removed_at;
} PvEntraLink;

/**
 * PvEntraConfig:
 * @cloud: a #PvGraphCloud id, or "custom"
 * @login_url: (nullable): the identity platform, for "custom"
 * @graph_url: (nullable): Microsoft Graph, for "custom"
 * @directory: (nullable): the Entra tenant (id or domain)
 * @client_id: (nullable): the public client; the default when %NULL
 * @links: "tenant/kind" to #PvEntraLink
 *
 * Where and as what Provisio signs in to Microsoft, and which Entra app
 * provisions which connection; kept in `entra.ini` beside the tenants,
 * without any secret.
 */
typedef struct {
  char       *cloud;
  char       *login_url;
  char       *graph_url;
  char       *directory;
  char       *client_id;
  GHashTable *links;
} PvEntraConfig;

PvEntraConfig     *pv_entra_config_new          (void);
void               pv_entra_config_free         (PvEntraConfig       *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PvEntraConfig, pv_entra_config_free)
GFile             *pv_entra_config_default_file (void);
PvEntraConfig     *pv_entra_config_load         (GFile               *file,
                                                 GError             **error);
void               pv_entra_config_load_async   (GFile               *file,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
PvEntraConfig     *pv_entra_config_load_finish  (GAsyncResult        *result,
                                                 GError             **error);
void               pv_entra_config_save_async   (PvEntraConfig       *config,
                                                 GFile               *file,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean           pv_entra_config_save_finish  (GAsyncResult        *result,
                                                 GError             **error);
const PvEntraLink *pv_entra_config_get_link     (PvEntraConfig       *config,
                                                 const char          *tenant,
                                                 const char          *kind);
void               pv_entra_config_set_link     (PvEntraConfig       *config,
                                                 const char          *tenant,
                                                 const char          *kind,
                                                 const char          *service_principal_id,
                                                 const char          *job_id,
                                                 const char          *display_name);
PvGraph           *pv_entra_config_new_graph    (PvEntraConfig       *config,
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

gint64      pv_entra_stale_since          (PvConnectionInfo    *connection,
                                           gint64               now);

G_END_DECLS
