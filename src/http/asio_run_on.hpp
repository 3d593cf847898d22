#pragma once
// Runs a blocking job on the worker pool and resumes the awaiting coroutine on its own executor.
// Written as a plain initiation object, not a lambda inside co_await: g++ 12 destroys a capturing
// lambda created inside a co_await expression twice.

#include <functional>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace epcfleet::http::detail {

struct RunOnPool {
  boost::asio::thread_pool* pool;
  std::function<void()>* job;

  template <typename Handler>
  void operator()(Handler&& handler) const {
    auto work = boost::asio::make_work_guard(boost::asio::get_associated_executor(handler));
    boost::asio::post(
        *pool, [job = job, h = std::forward<Handler>(handler), work = std::move(work)]() mutable {
          (*job)();
          auto ex = work.get_executor();
          boost::asio::dispatch(ex, std::move(h));
        });
  }
};

template <typename Token>
auto async_run_on(boost::asio::thread_pool& pool, std::function<void()>& job, Token&& token) {
  return boost::asio::async_initiate<Token, void()>(RunOnPool{&pool, &job}, token);
}

}  // namespace epcfleet::http::detail
