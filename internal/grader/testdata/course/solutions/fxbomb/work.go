// Package fxbomb passes the static check and makes the compiler explode:
// each fN instantiates f(N-1) with two larger types, 2^24 instantiations.
package fxbomb

// Answer returns 42.
func Answer() int { return 42 }

// Misbehave is never called: the suite never builds.
func Misbehave() { f24[byte]() }

func f0[T any]()  { var x T; _ = x }
func f1[T any]()  { f0[[1]T](); f0[[2]T]() }
func f2[T any]()  { f1[[1]T](); f1[[2]T]() }
func f3[T any]()  { f2[[1]T](); f2[[2]T]() }
func f4[T any]()  { f3[[1]T](); f3[[2]T]() }
func f5[T any]()  { f4[[1]T](); f4[[2]T]() }
func f6[T any]()  { f5[[1]T](); f5[[2]T]() }
func f7[T any]()  { f6[[1]T](); f6[[2]T]() }
func f8[T any]()  { f7[[1]T](); f7[[2]T]() }
func f9[T any]()  { f8[[1]T](); f8[[2]T]() }
func f10[T any]() { f9[[1]T](); f9[[2]T]() }
func f11[T any]() { f10[[1]T](); f10[[2]T]() }
func f12[T any]() { f11[[1]T](); f11[[2]T]() }
func f13[T any]() { f12[[1]T](); f12[[2]T]() }
func f14[T any]() { f13[[1]T](); f13[[2]T]() }
func f15[T any]() { f14[[1]T](); f14[[2]T]() }
func f16[T any]() { f15[[1]T](); f15[[2]T]() }
func f17[T any]() { f16[[1]T](); f16[[2]T]() }
func f18[T any]() { f17[[1]T](); f17[[2]T]() }
func f19[T any]() { f18[[1]T](); f18[[2]T]() }
func f20[T any]() { f19[[1]T](); f19[[2]T]() }
func f21[T any]() { f20[[1]T](); f20[[2]T]() }
func f22[T any]() { f21[[1]T](); f21[[2]T]() }
func f23[T any]() { f22[[1]T](); f22[[2]T]() }
func f24[T any]() { f23[[1]T](); f23[[2]T]() }
