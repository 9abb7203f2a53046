// One field list per type drives both directions of its JSON: each entry names the
// key, the member (through a chain of member pointers, so a key may sit at another
// level than its member) and, where the JSON differs from the member, how: required
// on reading, null or left out when the member has its default, a codec (checksums
// as "0x…", enums by name, open bounds as null), a sub-object of the same owner
// (group), a figure derived for readers and not read back (derived), or, for the
// few oddities, a writer and a reader side by side (custom). Adding a figure to the
// model is then one line here beside its member, and a field cannot be forgotten in
// one direction. Reading goes through json_fields (need/maybe semantics), so an
// error still names the field's path.
#pragma once

#include <concepts>
#include <tuple>
#include <type_traits>
#include <utility>

#include "store/json_fields.hpp"

namespace benchlab::json_fields {

// owner.*m1.*m2…: a const owner gives a const member.
template <typename T, typename M, typename... Rest>
auto& member_of(T& owner, M m, Rest... rest) {
  if constexpr (sizeof...(Rest) == 0)
    return owner.*m;
  else
    return member_of(owner.*m, rest...);
}

template <typename... M>
struct MemberPath {
  std::tuple<M...> members;
  template <typename T>
  auto& operator()(T& owner) const {
    return std::apply(
        [&owner](auto... m) -> auto& { return member_of(owner, m...); }, members);
  }
};

// The member as nlohmann writes it, read back by read_value (model types through
// their own to_json/from_json, found by ADL).
struct AsIs {
  template <typename V>
  Json write(const V& v) const {
    return Json(v);
  }
  template <typename V>
  void read(const Json& j, V& v) const {
    read_value(j, v);
  }
};

// A codec of its own: write(const V&) -> Json, read(const Json&, V&) for a value
// that is present and not null.
template <typename W, typename R>
struct Codec {
  W write;
  R read;
};
template <typename W, typename R>
Codec(W, R) -> Codec<W, R>;

// A codec whose JSON null means a value of its own (an open bound): on_null(V&).
template <typename W, typename R, typename N>
struct NullableCodec {
  W write;
  R read;
  N on_null;
};
template <typename W, typename R, typename N>
NullableCodec(W, R, N) -> NullableCodec<W, R, N>;

enum class WhenDefault { write, null, omit };

template <typename Get, typename C>
struct Field {
  const char* key;
  Get get;
  C codec;
  bool is_required = false;
  WhenDefault when_default = WhenDefault::write;

  // Reading fails ("missing PATH") when the key is absent or null.
  [[nodiscard]] Field required() const {
    Field f = *this;
    f.is_required = true;
    return f;
  }
  // Written as null when the member has its default value (empty, 0, nullopt);
  // read back as that default.
  [[nodiscard]] Field null_if_default() const {
    Field f = *this;
    f.when_default = WhenDefault::null;
    return f;
  }
  // Left out when the member has its default value.
  [[nodiscard]] Field omit_if_default() const {
    Field f = *this;
    f.when_default = WhenDefault::omit;
    return f;
  }
  template <typename C2>
  [[nodiscard]] Field<Get, C2> as(C2 c) const {
    return {key, get, c, is_required, when_default};
  }

  template <typename T>
  void write(Json& obj, const T& owner) const {
    const auto& v = get(owner);
    using V = std::remove_cvref_t<decltype(v)>;
    if constexpr (is_optional<V>::value) {
      if (!v && when_default == WhenDefault::omit) return;
      obj[key] = v ? Json(codec.write(*v)) : Json(nullptr);
    } else {
      bool is_default = false;
      if constexpr (std::equality_comparable<V>) is_default = when_default != WhenDefault::write && v == V{};
      if (is_default && when_default == WhenDefault::omit) return;
      obj[key] = is_default ? Json(nullptr) : Json(codec.write(v));
    }
  }

  template <typename T>
  void read(const Json& obj, T& owner) const {
    auto& v = get(owner);
    using V = std::remove_cvref_t<decltype(v)>;
    PathSegment segment(key);
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (is_required) fail("missing " + current_path());
      if constexpr (requires { codec.on_null(v); })
        if (it != obj.end()) codec.on_null(v);
      return;
    }
    if constexpr (is_optional<V>::value) {
      typename V::value_type x{};
      codec.read(*it, x);
      v = std::move(x);
    } else {
      codec.read(*it, v);
    }
  }
};

// Written from the owner (fn(const T&) -> Json), never read back: a figure derived
// for readers. required(): reading still wants the key there (it marks the kind of file).
template <typename Fn>
struct Derived {
  const char* key;
  Fn fn;
  bool is_required = false;
  [[nodiscard]] Derived required() const {
    Derived d = *this;
    d.is_required = true;
    return d;
  }
  template <typename T>
  void write(Json& obj, const T& owner) const {
    obj[key] = fn(owner);
  }
  template <typename T>
  void read(const Json& obj, T& /*owner*/) const {
    if (!is_required) return;
    PathSegment segment(key);
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) fail("missing " + current_path());
  }
};

// Both directions written out beside each other: write(const T&) -> Json (discarded:
// left out), read(const Json& value, T&) for a value present and not null.
template <typename W, typename R>
struct Custom {
  const char* key;
  W write_fn;
  R read_fn;
  bool is_required = false;
  [[nodiscard]] Custom required() const {
    Custom c = *this;
    c.is_required = true;
    return c;
  }
  template <typename T>
  void write(Json& obj, const T& owner) const {
    Json v = write_fn(owner);
    if (!v.is_discarded()) obj[key] = std::move(v);
  }
  template <typename T>
  void read(const Json& obj, T& owner) const {
    PathSegment segment(key);
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (is_required) fail("missing " + current_path());
      return;
    }
    read_fn(*it, owner);
  }
};

template <typename... F>
void write_fields(Json& j, const auto& owner, const std::tuple<F...>& fields);
template <typename... F>
void read_fields(const Json& j, auto& owner, const std::tuple<F...>& fields);

// A sub-object holding fields of the same owner ("latency_ms": {"p50", …}).
template <typename... F>
struct Group {
  const char* key;
  std::tuple<F...> fields;
  bool is_required = false;
  [[nodiscard]] Group required() const {
    Group g = *this;
    g.is_required = true;
    return g;
  }
  template <typename T>
  void write(Json& obj, const T& owner) const {
    Json sub = Json::object();
    write_fields(sub, owner, fields);
    obj[key] = std::move(sub);
  }
  // Absent (or not an object): the members keep their defaults, unless required.
  template <typename T>
  void read(const Json& obj, T& owner) const {
    PathSegment segment(key);
    const auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) {
      if (is_required) fail("missing " + current_path());
      return;
    }
    if (!it->is_object()) {
      if (is_required) fail(current_path() + " is not an object");
      return;
    }
    read_fields(*it, owner, fields);
  }
};

template <typename... F>
void write_fields(Json& j, const auto& owner, const std::tuple<F...>& fields) {
  if (!j.is_object()) j = Json::object();
  std::apply([&](const auto&... f) { (f.write(j, owner), ...); }, fields);
}

template <typename... F>
void read_fields(const Json& j, auto& owner, const std::tuple<F...>& fields) {
  if (!j.is_object()) fail(current_path() + " is not an object");
  std::apply([&](const auto&... f) { (f.read(j, owner), ...); }, fields);
}

template <typename... M>
[[nodiscard]] auto field(const char* key, M... members) {
  return Field<MemberPath<M...>, AsIs>{key, MemberPath<M...>{{members...}}, AsIs{}};
}

template <typename Fn>
[[nodiscard]] auto derived(const char* key, Fn fn) {
  return Derived<Fn>{key, fn};
}

template <typename W, typename R>
[[nodiscard]] auto custom(const char* key, W write, R read) {
  return Custom<W, R>{key, write, read};
}

template <typename... F>
[[nodiscard]] auto group(const char* key, F... fields) {
  return Group<F...>{key, std::tuple<F...>{fields...}};
}

template <typename... F>
[[nodiscard]] auto fields(F... f) {
  return std::tuple<F...>{f...};
}

}  // namespace benchlab::json_fields

// to_json/from_json of TYPE from its field list LIST (an expression giving the
// tuple): the one description both directions share.
#define BENCHLAB_JSON_FROM_FIELDS(TYPE, LIST)                                                                          \
  void to_json(::benchlab::json_fields::Json& j, const TYPE& v) { ::benchlab::json_fields::write_fields(j, v, LIST); } \
  void from_json(const ::benchlab::json_fields::Json& j, TYPE& v) { ::benchlab::json_fields::read_fields(j, v, LIST); }
