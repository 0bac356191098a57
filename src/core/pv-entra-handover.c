/* pv-entra-handover.c: handing a new token to an Entra app: save, validate, restart, the job's health
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-entra-handover"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "pv-entra.h"
#include "pv-entra-private.h"
#include "pv-graph-private.h"
#include "pv-json-read.h"
#include "pv-token.h"

static void
job_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(JsonNode) answer = pv_graph_request_finish (PV_GRAPH (source), result, &error);
  PvEntraJob *job;

  if (answer == NULL)
    {
      if (error == NULL)
        pv_entra_set_invalid (&error, "status");
      g_task_return_error (task, error);
      return;
    }
  job = pv_entra_job_new_from_json (json_node_get_object (answer), &error);
  if (job == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, job, (GDestroyNotify) pv_entra_job_free);
}

void
pv_entra_get_job_async (PvGraph             *graph,
                        const char          *service_principal_id,
                        const char          *job_id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (graph, cancellable, callback, user_data);
  g_autofree char *path = NULL;

  g_task_set_source_tag (task, pv_entra_get_job_async);
  if (!pv_entra_valid_id (service_principal_id) || !pv_entra_valid_id (job_id))
    {
      g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_FOUND,
                               _("The link to the Entra app is damaged; link the app again"));
      return;
    }
  path = g_strdup_printf ("/servicePrincipals/%s/synchronization/jobs/%s", service_principal_id, job_id);
  pv_graph_request_async (graph, "GET", path, NULL, cancellable, job_cb, g_steal_pointer (&task));
}

PvEntraJob *
pv_entra_get_job_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_entra_get_job_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* -- hand-over ---------------------------------------------------------- */

/**
 * pv_entra_hand_over_step_title:
 * @app: the Entra app's name
 *
 * Returns: what the step does, naming the app
 */
char *
pv_entra_hand_over_step_title (PvHandOverStep  step,
                               const char     *app)
{
  switch (step)
    {
    case PV_HAND_OVER_SAVE:
      /* Translators: %s is an Entra app's name */
      return g_strdup_printf (_("Save the tenant URL and the new token in “%s”"), app);
    case PV_HAND_OVER_VALIDATE:
      return g_strdup_printf (_("Entra tests the connection of “%s” to the tenant"), app);
    case PV_HAND_OVER_CHECK_JOB:
      return g_strdup_printf (_("Read the provisioning state of “%s”"), app);
    case PV_HAND_OVER_RESTART:
      return g_strdup_printf (_("Restart provisioning of “%s” out of quarantine"), app);
    case PV_HAND_OVER_N_STEPS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * pv_entra_hand_over_step_available:
 *
 * Returns: whether Microsoft offers @step's call in the cloud of @graph
 *   (validateCredentials is not offered in China, operated by 21Vianet)
 */
gboolean
pv_entra_hand_over_step_available (PvGraph        *graph,
                                   PvHandOverStep  step)
{
  const PvGraphCloud *cloud = pv_graph_cloud_for_graph_url (pv_graph_get_graph_url (graph));

  return step != PV_HAND_OVER_VALIDATE || cloud == NULL || cloud->validate_credentials;
}

/**
 * pv_entra_cloud_note:
 *
 * Returns: (nullable): what the hand-over cannot do in the cloud of @graph,
 *   to tell the admin before a renewal, or %NULL when it can do everything
 */
char *
pv_entra_cloud_note (PvGraph *graph)
{
  const PvGraphCloud *cloud = pv_graph_cloud_for_graph_url (pv_graph_get_graph_url (graph));

  if (pv_entra_hand_over_step_available (graph, PV_HAND_OVER_VALIDATE))
    return NULL;
  /* Translators: %s is a Microsoft cloud such as "China (operated by 21Vianet)" */
  return g_strdup_printf (_("In the cloud %s Microsoft does not offer Entra's credential test: a renewal skips it, "
                            "and Entra's next provisioning cycle uses the saved token"), _(cloud->name));
}

typedef struct {
  PvGraph        *graph;
  char           *sp;
  char           *job_id;
  char           *base_address;
  char           *secret;
  PvHandOverStep  step;
  PvHandOverFunc  func;
  gpointer        func_data;
  PvEntraJob     *job;
  gulong          waiting_handler;
  guint           countdown;      /* while Graph asked to wait */
  gint64          wait_until;     /* monotonic, µs */
  gboolean        wait_shown;     /* the step's detail says so */
  GCancellable   *cancellable;
} HandOver;

static void
hand_over_free (HandOver *h)
{
  g_clear_handle_id (&h->countdown, g_source_remove);
  g_clear_signal_handler (&h->waiting_handler, h->graph);
  g_clear_object (&h->cancellable);
  g_object_unref (h->graph);
  g_free (h->sp);
  g_free (h->job_id);
  g_free (h->base_address);
  pv_secret_free (h->secret);
  pv_entra_job_free (h->job);
  g_free (h);
}

static void
report (HandOver    *h,
        PvStepState  state,
        const char  *detail)
{
  /* A step that goes on or ends is no longer waiting, nor says so. */
  g_clear_handle_id (&h->countdown, g_source_remove);
  if (detail == NULL && h->wait_shown)
    detail = "";
  h->wait_shown = FALSE;
  if (h->func != NULL)
    h->func (h->step, state, detail, h->func_data);
}

/* While Graph asked to wait (429, 503 or 504 with Retry-After), the running
 * step says so, with the seconds left, once a second. */
static gboolean
countdown_cb (gpointer user_data)
{
  HandOver *h = user_data;
  gint64 left = (h->wait_until - g_get_monotonic_time () + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  g_autofree char *detail = NULL;

  /* Whoever was told of the steps may be gone; at 0 the call is sent
   * again, and the step's next report follows. */
  if (g_cancellable_is_cancelled (h->cancellable) || left <= 0)
    {
      h->countdown = 0;
      return G_SOURCE_REMOVE;
    }
  detail = pv_graph_describe_wait (left);
  h->wait_shown = TRUE;
  if (h->func != NULL)
    h->func (h->step, PV_STEP_RUNNING, detail, h->func_data);
  return G_SOURCE_CONTINUE;
}

static void
waiting_cb (PvGraph  *graph,
            guint     seconds,
            HandOver *h)
{
  g_clear_handle_id (&h->countdown, g_source_remove);
  h->wait_until = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  if (countdown_cb (h) == G_SOURCE_CONTINUE)
    h->countdown = g_timeout_add_seconds (1, countdown_cb, h);
}

static JsonNode *
secrets_node (HandOver *h)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "value");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, "BaseAddress");
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, h->base_address);
  json_builder_end_object (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "key");
  json_builder_add_string_value (b, "SecretToken");
  json_builder_set_member_name (b, "value");
  json_builder_add_string_value (b, h->secret);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The node holds the secret: zero its string before letting it go. */
static void
scrub_node (JsonNode *node)
{
  JsonObject *root = json_node_get_object (node);
  JsonArray *pairs = pv_json_array_member (root, "value");

  for (guint i = 0; pairs != NULL && i < json_array_get_length (pairs); i++)
    {
      JsonObject *pair = json_array_get_object_element (pairs, i);
      const char *value = pv_json_string_member (pair, "value");

      if (g_strcmp0 (pv_json_string_member (pair, "key"), "SecretToken") == 0 && value != NULL)
        explicit_bzero ((char *) value, strlen (value));
    }
  json_node_unref (node);
}

static void hand_over_run (GTask *task);

static void
step_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HandOver *h = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = pv_graph_request_finish (PV_GRAPH (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Whoever was told of the steps may be gone. */
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (error != NULL)
    {
      if (h->step == PV_HAND_OVER_VALIDATE &&
          (g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_REFUSED) ||
           g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_SERVER) ||
           g_error_matches (error, PV_GRAPH_ERROR, PV_GRAPH_ERROR_INVALID_RESPONSE)))
        {
          /* Microsoft documents only the 204 of a passed test: a failed one
           * is any 4xx or 5xx, with its message where Graph gives one. */
          GError *rejected = g_error_new (PV_GRAPH_ERROR, PV_GRAPH_ERROR_CREDENTIALS_REJECTED,
                                          _("Entra could not use the tenant URL and the new token: %s"),
                                          error->message);
          report (h, PV_STEP_FAILED, rejected->message);
          g_task_return_error (task, rejected);
          return;
        }
      report (h, PV_STEP_FAILED, error->message);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (h->step == PV_HAND_OVER_CHECK_JOB)
    {
      GError *invalid_error = NULL;
      g_autofree char *described = NULL;

      h->job = answer != NULL ? pv_entra_job_new_from_json (json_node_get_object (answer), &invalid_error) : NULL;
      if (h->job == NULL)
        {
          if (invalid_error == NULL)
            pv_entra_set_invalid (&invalid_error, "status");
          report (h, PV_STEP_FAILED, invalid_error->message);
          g_task_return_error (task, invalid_error);
          return;
        }
      described = pv_entra_job_describe (h->job, g_get_real_time () / G_USEC_PER_SEC);
      report (h, PV_STEP_DONE, described);
      h->step = PV_HAND_OVER_RESTART;
      if (!pv_entra_job_in_quarantine (h->job))
        {
          report (h, PV_STEP_SKIPPED, _("Not in quarantine"));
          g_task_return_pointer (task, g_steal_pointer (&h->job), (GDestroyNotify) pv_entra_job_free);
          return;
        }
      hand_over_run (g_steal_pointer (&task));
      return;
    }

  if (h->step == PV_HAND_OVER_RESTART)
    {
      /* Restarting is asynchronous: Graph answers 204 at once and the job
       * leaves quarantine in the background (synchronizationJob: restart). */
      report (h, PV_STEP_DONE, _("asked for; Entra restarts the job in the background, so it does not show as "
                                 "Active at once"));
      g_task_return_pointer (task, g_steal_pointer (&h->job), (GDestroyNotify) pv_entra_job_free);
      return;
    }
  report (h, PV_STEP_DONE, NULL);
  h->step++;
  hand_over_run (g_steal_pointer (&task));
}

static void
hand_over_run (GTask *task)
{
  HandOver *h = g_task_get_task_data (task);
  g_autofree char *path = NULL;
  JsonNode *body = NULL;
  const char *method = "POST";

  if (!pv_entra_hand_over_step_available (h->graph, h->step))
    {
      const PvGraphCloud *cloud = pv_graph_cloud_for_graph_url (pv_graph_get_graph_url (h->graph));
      g_autofree char *why = g_strdup_printf (_("Not available in the cloud %s; Entra's next provisioning cycle "
                                                "uses the saved token instead"), _(cloud->name));

      report (h, PV_STEP_SKIPPED, why);
      h->step++;
    }
  report (h, PV_STEP_RUNNING, NULL);
  switch (h->step)
    {
    case PV_HAND_OVER_SAVE:
      method = "PUT";
      path = g_strdup_printf ("/servicePrincipals/%s/synchronization/secrets", h->sp);
      body = secrets_node (h);
      break;
    case PV_HAND_OVER_VALIDATE:
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();

        /* What was saved: the secret goes over the wire once. */
        path = g_strdup_printf ("/servicePrincipals/%s/synchronization/jobs/%s/validateCredentials", h->sp, h->job_id);
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "useSavedCredentials");
        json_builder_add_boolean_value (b, TRUE);
        json_builder_end_object (b);
        body = json_builder_get_root (b);
      }
      break;
    case PV_HAND_OVER_CHECK_JOB:
      method = "GET";
      path = g_strdup_printf ("/servicePrincipals/%s/synchronization/jobs/%s", h->sp, h->job_id);
      break;
    case PV_HAND_OVER_RESTART:
      {
        g_autoptr(JsonBuilder) b = json_builder_new ();

        path = g_strdup_printf ("/servicePrincipals/%s/synchronization/jobs/%s/restart", h->sp, h->job_id);
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "criteria");
        json_builder_begin_object (b);
        json_builder_set_member_name (b, "resetScope");
        json_builder_add_string_value (b, "Watermark, Escrows, QuarantineState");
        json_builder_end_object (b);
        json_builder_end_object (b);
        body = json_builder_get_root (b);
      }
      break;
    case PV_HAND_OVER_N_STEPS:
    default:
      g_assert_not_reached ();
    }
  pv_graph_request_async (h->graph, method, path, body, g_task_get_cancellable (task), step_cb, task);
  if (body != NULL && h->step == PV_HAND_OVER_SAVE)
    scrub_node (body);
  else if (body != NULL)
    json_node_unref (body);
}

/**
 * pv_entra_hand_over_async:
 * @link: the Entra app of the connection
 * @base_address: the connection's SCIM base URL
 * @secret: the new token
 * @step_func: (nullable): told as each step starts and ends
 *
 * Gives the Entra app its new token: the tenant URL and token are saved
 * (PUT secrets), Entra tests what was saved against the tenant
 * (validateCredentials), the job's state is read, and a job in quarantine
 * is restarted with its quarantine state reset.  Saving comes first: the
 * test is the new token's first use, which retires the old token in the
 * tenant, so it must only happen once Entra holds the new one.  On failure
 * nothing else is tried; the new token is valid in the tenant and the old
 * one keeps working until the new one is used, so the admin can go on by
 * hand.
 */
void
pv_entra_hand_over_async (PvGraph             *graph,
                          const PvEntraLink   *link,
                          const char          *base_address,
                          const char          *secret,
                          PvHandOverFunc       step_func,
                          gpointer             step_data,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (graph, cancellable, callback, user_data);
  HandOver *h = g_new0 (HandOver, 1);

  g_task_set_source_tag (task, pv_entra_hand_over_async);
  h->graph = g_object_ref (graph);
  h->sp = g_strdup (link->service_principal_id);
  h->job_id = g_strdup (link->job_id);
  h->base_address = g_strdup (base_address);
  h->secret = g_strdup (secret);
  h->func = step_func;
  h->func_data = step_data;
  h->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  h->waiting_handler = g_signal_connect (graph, "waiting", G_CALLBACK (waiting_cb), h);
  g_task_set_task_data (task, h, (GDestroyNotify) hand_over_free);
  if (!pv_entra_valid_id (h->sp) || !pv_entra_valid_id (h->job_id))
    {
      g_task_return_new_error (task, PV_GRAPH_ERROR, PV_GRAPH_ERROR_NOT_FOUND,
                               _("The link to the Entra app is damaged; link the app again"));
      return;
    }
  hand_over_run (g_steal_pointer (&task));
}

/**
 * pv_entra_hand_over_finish:
 *
 * Returns: (transfer full): the job's state as read during the hand-over
 */
PvEntraJob *
pv_entra_hand_over_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_entra_hand_over_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
