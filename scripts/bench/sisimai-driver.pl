#!/usr/bin/perl
# Runs Sisimai (Debian libsisimai-perl) over the files named on the command line and prints one
# JSON object per recipient: {"file", "address", "reason", "status", "action"}; a file Sisimai
# finds no bounce in prints {"file", "reason": null}. Used by scripts/bench/bounce.mjs and the
# agreement test to compare smtpilot bounce with Sisimai on the same files. The last line is
# {"done": N, "seconds": S}: the time spent inside Sisimai, start-up excluded.
use strict;
use warnings;
use JSON::PP;
use Sisimai;
use Time::HiRes qw(time);

my $json = JSON::PP->new->canonical(1);
my $start = time();
my $count = 0;
for my $file (@ARGV) {
    my $found = Sisimai->make($file, 'delivered' => 1, 'vacation' => 1) || [];
    if (!@$found) {
        print $json->encode({ file => $file, reason => undef }), "\n";
        next;
    }
    for my $e (@$found) {
        $count++;
        print $json->encode({
            file    => $file,
            address => $e->recipient->address,
            reason  => $e->reason,
            status  => $e->deliverystatus,
            action  => $e->action,
        }), "\n";
    }
}
print $json->encode({ done => $count, seconds => time() - $start }), "\n";
