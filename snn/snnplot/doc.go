// Package snnplot draws one-call figures of snn results with gonum/plot.
package snnplot

import _ "gonum.org/v1/plot"
