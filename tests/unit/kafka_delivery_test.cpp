// The kafka output's delivery records (plugins/out_kafka/delivery.cpp): which errors a retry
// can cure, what a batch answers once its reports are in, and the reuse of records.
#include "delivery.hpp"

#include <gtest/gtest.h>

namespace logagent::plugins::kafka {
namespace {

TEST(KafkaDelivery, ErrorsThatNoRetryCanCureArePermanent) {
  for (rd_kafka_resp_err_t err :
       {RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE, RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
        RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED,
        RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION, RD_KAFKA_RESP_ERR_RECORD_LIST_TOO_LARGE, RD_KAFKA_RESP_ERR_INVALID_MSG_SIZE})
    EXPECT_EQ(classify(err), Failure::permanent) << rd_kafka_err2name(err);
}

TEST(KafkaDelivery, OutagesAndTimeoutsAreRetried) {
  // message.timeout.ms expiring in a long outage must lead to a retry, never to a loss.
  for (rd_kafka_resp_err_t err :
       {RD_KAFKA_RESP_ERR__MSG_TIMED_OUT, RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN,
        RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT})
    EXPECT_EQ(classify(err), Failure::retry) << rd_kafka_err2name(err);
}

TEST(KafkaDelivery, ARetriableFailureOutweighsAPermanentOne) {
  Delivery d;
  d.reset(nullptr);
  d.start(3);
  EXPECT_EQ(d.outstanding.load(), 4u);  // three messages and the writer's hold
  EXPECT_TRUE(d.outcome().ok());
  d.permanent.fetch_add(1);
  EXPECT_EQ(d.outcome(), Status::Error());
  d.retriable.fetch_add(1);
  EXPECT_EQ(d.outcome(), Status::Retry());  // sent again; the permanent one is counted again then
  d.start(2);
  EXPECT_TRUE(d.outcome().ok());
}

TEST(KafkaDelivery, RecordsAreReusedAndOversizedBuffersReleased) {
  DeliveryPool pool;
  Delivery* a = pool.take();
  Delivery* b = pool.take();
  EXPECT_NE(a, b);
  a->values.assign(size_t{32} << 20, 'x');
  b->values.assign(1000, 'y');
  const size_t small_capacity = b->values.capacity();
  pool.give_back(a);
  pool.give_back(b);
  Delivery* c = pool.take();
  Delivery* d = pool.take();
  EXPECT_EQ(c, b);  // the last given back comes first
  EXPECT_EQ(d, a);
  EXPECT_EQ(c->values.capacity(), small_capacity);
  EXPECT_LT(d->values.capacity(), size_t{1} << 20);
}

}  // namespace
}  // namespace logagent::plugins::kafka
