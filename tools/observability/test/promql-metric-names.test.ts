import { describe, expect, it } from 'vitest';
import { metricNamesIn } from '../src/promql-metric-names.js';

describe('metricNamesIn', () => {
  it('when an expression aggregates a histogram by labels, then only the bucket series is named', () => {
    expect(
      metricNamesIn(
        'histogram_quantile(0.99, sum by (le, route) (rate(http_server_request_duration_seconds_bucket{service=~"$service", status=~"5.."}[$__rate_interval])))',
      ),
    ).toEqual(['http_server_request_duration_seconds_bucket']);
  });

  it('when a binary operation matches on labels, then both sides are named and the label lists are not', () => {
    expect(
      metricNamesIn('slo:sli_error:ratio_rate1h{slo="checkout-success"} / on (slo) group_left (team) (1 - slo:objective:ratio)'),
    ).toEqual(['slo:sli_error:ratio_rate1h', 'slo:objective:ratio']);
    expect(metricNamesIn('sum(rate(a_total[5m])) without (instance) > bool ignoring(job) b')).toEqual(['a_total', 'b']);
  });

  it('when strings, offsets, subqueries and variables appear, then none of them is taken for a metric', () => {
    expect(
      metricNamesIn(`label_replace(max_over_time(up{job="x"}[1h:5m] offset 5m), "dst", "$1", "src", "(.*)") and ${'${service}'} < inf`),
    ).toEqual(['up']);
    expect(metricNamesIn('changes(process_start_time_seconds[$__range]) @ start()')).toEqual(['process_start_time_seconds']);
  });

  it('when an aggregation puts by before its argument, then the operator is not a metric', () => {
    expect(metricNamesIn('count without (instance) (broker_connected == 0)')).toEqual(['broker_connected']);
    expect(metricNamesIn('topk(5, sum by (type) (saga_started_total))')).toEqual(['saga_started_total']);
  });

  it('when a selector names its metric with __name__, then that name is found', () => {
    expect(metricNamesIn('{__name__="outbox_pending", service="order"}')).toEqual(['outbox_pending']);
  });

  it('when a name appears twice, then it is listed once', () => {
    expect(metricNamesIn('saga_finished_total{status="ABORTED"} / saga_finished_total')).toEqual(['saga_finished_total']);
  });
});
