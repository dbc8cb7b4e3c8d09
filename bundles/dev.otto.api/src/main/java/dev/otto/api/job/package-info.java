/**
 * Scheduled jobs and their persistence: what runs when, with which prompt, and optionally with
 * which model ({@code jobs.model_ref}, nullable). A job's model, when set, wins over every default.
 * The {@link dev.otto.api.job.JobScheduler} runs them and records each run through the
 * {@link dev.otto.api.job.JobRunRepository} ({@code job_runs}).
 */
@Export
@Version("1.3.0")
package dev.otto.api.job;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
